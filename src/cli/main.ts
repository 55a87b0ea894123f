import yargs from 'yargs';
import { distance } from 'fastest-levenshtein';
import type { CommandContext } from './commands/context.js';
import { registerCommands } from './commands/index.js';
import { EXIT, InputError, UsageError, describeError, exitCodeFor } from './errors.js';
import { outputWidth, processIO, say, type IO } from './io.js';
import { requestLog } from '../kube/client.js';
import { phaseLog } from '../kube/timing.js';

/** What "-f -" becomes: yargs-parser drops a bare "-" from array options. */
export const STDIN_PATH = '<stdin>';

function markStdin(argv: string[]): string[] {
  return argv.map((arg, i) => {
    if (arg === '-' && (argv[i - 1] === '-f' || argv[i - 1] === '--filename')) return STDIN_PATH;
    if (arg === '-f=-' || arg === '--filename=-') return `${arg.slice(0, -1)}${STDIN_PATH}`;
    return arg;
  });
}

/**
 * yargs' own wording, completed: "Unknown arguments: all-namespace,
 * allNamespace" names each flag once, as typed, with the flag it most likely
 * meant. Choices ("Invalid values: … Choices: …") are kept whole.
 */
function explainUsage(message: string, known: string[]): string {
  // "Invalid values: Argument: output, Given: "yml", Choices: …": said as kubectl would, with the nearest choice.
  const choice = /^Invalid values:\s*Argument: ([\w-]+), Given: "([^"]*)", Choices: (.*)$/s.exec(message);
  if (choice) {
    const choices = [...choice[3]!.matchAll(/"([^"]*)"/g)].map((c) => c[1]!);
    // A choice is short: one edit away at most ("yml"), or "tcsh" would suggest "bash".
    const near = nearest(choice[2]!, choices, 1);
    return `invalid value "${choice[2]}" for ${choice[1]}: choose ${choices.join(', ')}${near ? ` (did you mean ${near}?)` : ''}`;
  }
  // recommendCommands' "Did you mean audit?" alone does not say what was wrong.
  const command = /^Did you mean (\S+)\?$/.exec(message);
  if (command) return `unknown command; did you mean ${command[1]}?`;
  const m = /^Unknown arguments?: (.*)$/.exec(message);
  if (!m) return message;
  const typed = m[1]!.split(', ').filter((a) => !/[A-Z]/.test(a) || !m[1]!.split(', ').includes(a.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)));
  const flags = known.filter((k) => !/[A-Z]/.test(k) && k.length > 1);
  return typed
    .map((a) => {
      const near = nearest(a, flags);
      return `unknown flag --${a}${near ? ` (did you mean --${near}?)` : ''}`;
    })
    .join('; ');
}

/** The candidate within a small edit distance of what was typed, if any. */
function nearest(typed: string, candidates: string[], most = Math.max(2, Math.floor(typed.length / 4))): string | undefined {
  const best = candidates.map((k) => ({ k, d: distance(typed, k) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= most ? best.k : undefined;
}

/** Builds the CLI, runs one command, and maps every error to an exit code. */
export async function main(rawArgv: string[], io: IO = processIO()): Promise<number> {
  // Shell completion runs before yargs, so it stays fast and never prints usage errors.
  if (rawArgv[0] === '__complete') {
    const { complete } = await import('./complete.js');
    return complete(rawArgv.slice(1), io);
  }
  // Like kubectl: no command at all is a request for help, not a mistake.
  const argv = rawArgv.length === 0 ? ['--help'] : markStdin(rawArgv);
  const ctx: CommandContext = { io, exitCode: EXIT.OK, argv: rawArgv };
  const debug = argv.includes('--debug');
  // The flags of the command being parsed, for "did you mean" (read when a parse fails).
  const knownFlags = (): string[] => Object.keys((parser as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key);
  const parser = registerCommands(
    yargs(argv)
      .scriptName('kubectl sts-storage')
      .usage('$0 <command> [options]\n\nFind and safely repair the storage problems that keep StatefulSets from running.')
      .strict()
      .demandCommand(1, 'Name a command; see --help.')
      .recommendCommands()
      .help()
      .alias('h', 'help')
      .version(false)
      // The tables' width (the terminal's, or COLUMNS when piped); else 100.
      .wrap(Math.min(110, outputWidth(io) ?? 100))
      .exitProcess(false)
      .fail((msg, err) => {
        // Throwing is what stops yargs: a fail handler that returns lets the
        // command run anyway, typo'd flags and all. yargs' own validation
        // failures (YError, or a message alone) are usage errors; anything a
        // handler threw keeps its own meaning.
        if (err && err.name !== 'YError') throw err;
        throw new UsageError(explainUsage(msg || err?.message || 'invalid usage', knownFlags()));
      }),
    ctx,
  );
  try {
    // With a callback yargs hands over --help and --version text instead of
    // printing it to process.stdout, so it goes to the injected stream.
    await parser.parseAsync(argv, {}, (_err, _args, output) => {
      if (output) io.stdout.write(output.endsWith('\n') ? output : output + '\n');
    });
  } catch (err) {
    const code = exitCodeFor(err);
    say(io.stderr, io, `error: ${describeError(err)}`);
    if (err instanceof UsageError && !(err instanceof InputError)) io.stderr.write('See "kubectl sts-storage --help".\n');
    if (debug && err instanceof Error && err.stack) io.stderr.write(err.stack + '\n');
    return code;
  } finally {
    if (debug || io.env['STS_STORAGE_DEBUG_REQUESTS']) {
      // The benchmark reads these three lines.
      io.stderr.write(`requests: ${requestLog.count}\n`);
      io.stderr.write(`bytes-read: ${requestLog.bytes}\n`);
      io.stderr.write(`peak-rss-kib: ${process.resourceUsage().maxRSS}\n`);
      // start = process start to the audit's first step (performance.now() counts from process start).
      io.stderr.write(`phase-ms: ${[...phaseLog].map(([k, v]) => `${k}=${v.toFixed(0)}`).join(' ')}\n`);
      if (debug) for (const r of requestLog.recent) io.stderr.write(`  ${r.method} ${r.path} ${r.status} ${r.ms.toFixed(0)}ms ${r.bytes}B\n`);
    }
  }
  return ctx.exitCode;
}
