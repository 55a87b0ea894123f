// What every repair command does with a plan: show it, let the engine check
// RBAC and ask (on a terminal) or require --yes, and turn the result into
// lines and an exit code. The engine (fixes/apply-plan.ts) does the writing.
import readline from 'node:readline';
import type { KubeClient } from '../kube/client.js';
import { applyPlan, changeLabel, type ApplyOutcome, type DryRun } from '../fixes/apply-plan.js';
import type { Backup } from '../fixes/backup.js';
import type { Plan } from '../fixes/plan.js';
import { renderNextSteps, renderPlan } from '../output/plan.js';
import { wrapCommand } from '../output/text.js';
import { EXIT, UsageError } from './errors.js';
import { outputWidth, say, stdoutPaint, type IO } from './io.js';

export interface RunPlanOptions {
  dryRun: DryRun;
  yes: boolean;
  backupRoot: string;
  io: IO;
  /** the arguments as typed: the backup records them whole (every flag, -f included), not a summary */
  argv?: string[];
  /** told where this run's backup went (undo records it) */
  onBackup?: (backup: Backup) => void;
}

type Answer = 'yes' | 'no' | 'interrupted';

/** "[y/N]" on the terminal; Ctrl-C or Ctrl-D at the prompt is a no, Ctrl-C says so. */
function ask(io: IO, question: string): Promise<Answer> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: io.stdin, output: io.stderr, terminal: true });
    let answered = false;
    const done = (a: Answer) => {
      if (answered) return;
      answered = true;
      rl.close();
      resolve(a);
    };
    rl.on('SIGINT', () => {
      io.stderr.write('\n');
      done('interrupted');
    });
    rl.on('close', () => done('no'));
    rl.question(question, (text) => done(/^y(es)?$/i.test(text.trim()) ? 'yes' : 'no'));
  });
}

/** Arguments as a shell would take them back: quoted only where needed. */
export function shellWords(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export async function runPlan(client: KubeClient, given: Plan, opts: RunPlanOptions): Promise<number> {
  const { io } = opts;
  const plan = opts.argv?.length ? { ...given, command: shellWords(opts.argv) } : given;
  const paint = stdoutPaint(io);
  // Everything read before the `y` fits the terminal, identifiers whole.
  const width = outputWidth(io);
  io.stdout.write(renderPlan(plan, paint, width));
  const refused = plan.refusals.some((r) => !r.noop);
  const asked: { answer?: Answer } = {};
  // Ctrl-C during the batch stops it after the request in flight (the engine is told by its signal).
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.on('SIGINT', onSigint);
  const result = await applyPlan(client, plan, {
    signal: interrupt.signal,
    dryRun: opts.dryRun,
    backupRoot: opts.backupRoot,
    confirm: async (count) => {
      if (opts.yes) return true;
      if (!io.stdin.isTTY)
        throw new UsageError('refusing to change the cluster without confirmation: stdin is not a terminal, pass --yes (or --dry-run to preview)');
      asked.answer = await ask(io, `Apply ${count} change(s)? [y/N] `);
      return asked.answer === 'yes';
    },
    report: (event) => {
      switch (event.kind) {
        case 'server-dry-run':
          say(io.stdout, io, `${event.accepted ? 'server dry run accepted' : `server dry run REJECTED: ${event.message}`}: ${changeLabel(event.change)}`);
          break;
        case 'backup':
          say(io.stdout, io, `Backup: ${event.backup.dir}`);
          opts.onBackup?.(event.backup);
          break;
        case 'interrupted':
          io.stderr.write('\ninterrupted: finishing the request in flight, leaving the rest untouched\n');
          break;
        case 'outcome':
          break;
      }
    },
  }).finally(() => process.off('SIGINT', onSigint));
  switch (result.status) {
    case 'nothing-to-do':
      return refused ? EXIT.FINDINGS : EXIT.OK;
    case 'forbidden':
      say(io.stderr, io, `error: refusing to start: the current user (${client.user}) may not ${result.missing!.join(', ')}; nothing was changed`);
      return EXIT.FINDINGS;
    case 'dry-run':
      io.stdout.write(opts.dryRun === 'client' ? 'Dry run (client): nothing was sent.\n' : 'Dry run: nothing was changed.\n');
      return result.rejected || refused ? EXIT.FINDINGS : EXIT.OK;
    case 'rejected':
      io.stdout.write('The API server rejected a change in its dry run, and this repair is all or nothing: nothing was changed.\n');
      return EXIT.FINDINGS;
    case 'declined':
      if (asked.answer === 'interrupted') {
        io.stdout.write('Interrupted: nothing was changed.\n');
        return EXIT.INTERRUPTED;
      }
      io.stdout.write('Aborted: nothing was changed.\n');
      return EXIT.FINDINGS;
    case 'done':
    case 'interrupted': {
      for (const o of result.outcomes) say(io.stdout, io, outcomeLine(o, paint));
      const applied = result.outcomes.filter((o) => o.status === 'applied').length;
      say(io.stdout, io, `${applied} of ${plan.changes.length} change(s) applied; backup in ${result.backup!.dir}`);
      if (applied > 0) {
        const undo = `kubectl sts-storage undo ${result.backup!.dir}`;
        // A command stays one command: continued with " \\" where it must break.
        io.stdout.write(
          width && undo.length + 11 > width ? `Undo with:\n  ${wrapCommand(undo, width - 2, width - 6).join('\n      ')}\n` : `Undo with: ${undo}\n`,
        );
      }
      if (applied > 0) for (const line of renderNextSteps(plan, width)) io.stdout.write(`${line}\n`);
      if (result.status === 'interrupted') return EXIT.INTERRUPTED;
      return result.outcomes.every((o) => o.status === 'applied') && !refused ? EXIT.OK : EXIT.FINDINGS;
    }
  }
}

function outcomeLine(o: ApplyOutcome, paint: ReturnType<typeof stdoutPaint>): string {
  const line = `${o.status}: ${changeLabel(o.change)}${o.message ? `: ${o.message}` : ''}`;
  return o.status === 'applied' ? paint('green', line) : o.status === 'untouched' ? line : paint('red', line);
}
