import yargs from 'yargs';
import type { CommandContext } from './commands/context.js';
import { registerCommands } from './commands/index.js';
import { EXIT, UsageError, describeError, exitCodeFor } from './errors.js';
import { processIO, type IO } from './io.js';
import { requestLog } from '../kube/client.js';

/** Builds the CLI, runs one command, and maps every error to an exit code. */
export async function main(argv: string[], io: IO = processIO()): Promise<number> {
  const ctx: CommandContext = { io, exitCode: EXIT.OK };
  const debug = argv.includes('--debug');
  let usageError: string | undefined;
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
      .wrap(Math.min(110, io.stdout.columns ?? 100))
      .exitProcess(false)
      .fail((msg, err) => {
        if (err) throw err;
        usageError = msg;
      }),
    ctx,
  );
  try {
    await parser.parseAsync();
    if (usageError) throw new UsageError(usageError);
  } catch (err) {
    const code = exitCodeFor(err);
    io.stderr.write(`error: ${describeError(err)}\n`);
    if (err instanceof UsageError) io.stderr.write('See "kubectl sts-storage --help".\n');
    if (debug && err instanceof Error && err.stack) io.stderr.write(err.stack + '\n');
    return code;
  } finally {
    if (debug || io.env['STS_STORAGE_DEBUG_REQUESTS']) {
      io.stderr.write(`requests: ${requestLog.length}\n`);
      for (const r of requestLog) io.stderr.write(`  ${r.method} ${r.path} ${r.status} ${r.ms.toFixed(0)}ms ${r.bytes}B\n`);
    }
  }
  return ctx.exitCode;
}
