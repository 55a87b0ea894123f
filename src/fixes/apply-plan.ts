// The only module that writes to the cluster. Every repair gets, from here:
// the plan printed first, --dry-run (with the server's dryRun=All), a
// confirmation on a TTY or --yes, an RBAC check before the first write, a
// backup of each object before it changes, one atomic request per object
// carrying its preconditions, a batch that continues past failures, and a
// summary that says what happened to every object.
import readline from 'node:readline/promises';
import type { KubeClient } from '../kube/client.js';
import { ApiError, ConnectionError } from '../kube/errors.js';
import type { KubeObject } from '../kube/types.js';
import type { IO } from '../cli/io.js';
import { stdoutPaint } from '../cli/io.js';
import { EXIT, UsageError } from '../cli/errors.js';
import { renderPlan } from '../output/plan.js';
import { Backup, type BackupEntry } from './backup.js';
import { describePermission, missingPermissions } from './access.js';
import type { Plan, PlannedChange, Step } from './plan.js';

export type DryRun = 'none' | 'client' | 'server';

export interface ApplyOptions {
  dryRun: DryRun;
  yes: boolean;
  backupRoot: string;
  io: IO;
  /** for tests: resolves when a SIGINT-like interruption should be simulated */
  signal?: AbortSignal;
}

export interface ApplyOutcome {
  change: PlannedChange;
  status: 'applied' | 'failed' | 'unknown' | 'untouched' | 'dry-run';
  message?: string;
}

export async function applyPlan(client: KubeClient, plan: Plan, opts: ApplyOptions): Promise<number> {
  const { io } = opts;
  const paint = stdoutPaint(io);
  io.stdout.write(renderPlan(plan, paint));
  const refused = plan.refusals.some((r) => !r.noop);
  if (plan.changes.length === 0) return refused ? EXIT.FINDINGS : EXIT.OK;

  const missing = await missingPermissions(client, plan.changes.flatMap((c) => c.permissions));
  if (missing.length > 0) {
    io.stderr.write(`error: refusing to start: the current user (${client.user}) may not ${missing.map(describePermission).join(', ')}; nothing was changed\n`);
    return EXIT.FINDINGS;
  }

  if (opts.dryRun === 'client') {
    io.stdout.write('Dry run (client): nothing was sent.\n');
    return refused ? EXIT.FINDINGS : EXIT.OK;
  }
  if (opts.dryRun === 'server') {
    let failed = false;
    for (const change of plan.changes) {
      const r = await runSteps(client, change, true);
      failed ||= r.status !== 'dry-run';
      io.stdout.write(`${r.status === 'dry-run' ? 'server dry run accepted' : `server dry run REJECTED: ${r.message}`}: ${label(change)}\n`);
    }
    io.stdout.write('Dry run: nothing was changed.\n');
    return failed || refused ? EXIT.FINDINGS : EXIT.OK;
  }

  if (!opts.yes) {
    if (!io.stdin.isTTY) throw new UsageError('refusing to change the cluster without confirmation: stdin is not a terminal, pass --yes (or --dry-run to preview)');
    const rl = readline.createInterface({ input: io.stdin, output: io.stderr });
    const answer = await rl.question(`Apply ${plan.changes.length} change(s)? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      io.stdout.write('Aborted: nothing was changed.\n');
      return EXIT.FINDINGS;
    }
  }

  const backup = Backup.create(opts.backupRoot, plan.command, client.server);
  io.stdout.write(`Backup: ${backup.dir}\n`);
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    io.stderr.write('\ninterrupted: finishing the request in flight, leaving the rest untouched\n');
  };
  process.on('SIGINT', onSigint);
  opts.signal?.addEventListener('abort', onSigint);
  const outcomes: ApplyOutcome[] = [];
  try {
    for (const change of plan.changes) {
      if (interrupted) {
        outcomes.push({ change, status: 'untouched', message: 'interrupted before this object' });
        continue;
      }
      const entry = backup.add(change.target.kind, change.before);
      const outcome = await runSteps(client, change, false);
      record(entry, outcome);
      backup.save();
      outcomes.push(outcome);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  for (const o of outcomes) {
    const line = `${o.status}: ${label(o.change)}${o.message ? `: ${o.message}` : ''}`;
    io.stdout.write(`${o.status === 'applied' ? paint('green', line) : o.status === 'untouched' ? line : paint('red', line)}\n`);
  }
  const applied = outcomes.filter((o) => o.status === 'applied').length;
  io.stdout.write(`${applied} of ${plan.changes.length} change(s) applied; backup in ${backup.dir}\n`);
  if (applied > 0) io.stdout.write(`Undo with: kubectl sts-storage undo ${backup.dir}\n`);
  if (interrupted) return EXIT.INTERRUPTED;
  return outcomes.every((o) => o.status === 'applied') && !refused ? EXIT.OK : EXIT.FINDINGS;
}

function label(change: PlannedChange): string {
  const t = change.target;
  return `${t.kind} ${t.namespace ? t.namespace + '/' : ''}${t.name}`;
}

function record(entry: BackupEntry, outcome: ApplyOutcome & { resourceVersionAfter?: string }): void {
  entry.status = outcome.status === 'dry-run' ? 'planned' : outcome.status;
  if (outcome.message) entry.error = outcome.message;
  if (outcome.resourceVersionAfter) entry.resourceVersionAfter = outcome.resourceVersionAfter;
}

async function runSteps(client: KubeClient, change: PlannedChange, dryRun: boolean): Promise<ApplyOutcome & { resourceVersionAfter?: string }> {
  let resourceVersionAfter: string | undefined;
  let done = 0;
  for (const step of change.steps) {
    if (dryRun && step.kind === 'wait-adoption') continue;
    try {
      const result = await runStep(client, step, dryRun);
      if (result?.metadata?.resourceVersion) resourceVersionAfter = result.metadata.resourceVersion;
      done++;
    } catch (err) {
      const message = explainFailure(err, change, step);
      // A request cut off by the network may or may not have been applied.
      const status = err instanceof ConnectionError && !dryRun ? 'unknown' : 'failed';
      return { change, status, message: done > 0 ? `${message} (after ${done} of ${change.steps.length} steps)` : message };
    }
  }
  return { change, status: dryRun ? 'dry-run' : 'applied', resourceVersionAfter };
}

async function runStep(client: KubeClient, step: Step, dryRun: boolean): Promise<KubeObject | undefined> {
  const query = dryRun ? { dryRun: 'All' } : {};
  switch (step.kind) {
    case 'patch':
      return client.request<KubeObject>('PATCH', step.path, { query, body: step.patch, contentType: 'application/json-patch+json' });
    case 'delete-orphan':
      return client.request<KubeObject>('DELETE', step.path, {
        query,
        body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Orphan', preconditions: { uid: step.uid, resourceVersion: step.resourceVersion }, ...(dryRun ? { dryRun: ['All'] } : {}) },
      });
    case 'create':
      return client.request<KubeObject>('POST', step.path, { query, body: step.body });
    case 'wait-adoption':
      return undefined; // handled by the generate-template command, which owns the waiting policy
  }
}

/**
 * The API server answers a failed JSON-patch "test" with a bare 422 Invalid
 * "the server rejected our request due to an error in our request" and no
 * details (seen on 1.33); a DELETE precondition with 409 Conflict.
 */
function isPreconditionFailure(err: ApiError, step: Step): boolean {
  if (err.status === 409) return true;
  if (step.kind !== 'patch' || !step.patch.some((op) => op.op === 'test')) return false;
  return err.status === 422 && /rejected our request due to an error in our request|test operation|testing value/i.test(err.message);
}

function explainFailure(err: unknown, change: PlannedChange, step: Step): string {
  if (err instanceof ApiError) {
    if (isPreconditionFailure(err, step)) {
      return `it changed since it was read (planned against resourceVersion ${change.target.resourceVersion}); nothing was overwritten. Run the command again to plan against its current state`;
    }
    if (err.forbidden) return `forbidden: ${err.message}`;
    if (err.notFound) return `it no longer exists`;
    return `${err.status} ${err.reason}: ${err.message}`;
  }
  if (err instanceof ConnectionError) return `${err.message}; the request may not have reached the server: re-run after the server is back (already changed objects are skipped)`;
  return err instanceof Error ? err.message : String(err);
}
