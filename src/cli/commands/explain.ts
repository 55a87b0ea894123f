import type { Argv, CommandModule } from 'yargs';
import { withClusterOptions } from '../options/cluster-options.js';
import type { CommandContext } from './context.js';
import { ALL_CHECKS, findCheck } from '../../checks/index.js';
import { EXIT, UsageError } from '../errors.js';
import { stdoutPaint } from '../io.js';
import { paintSeverity } from '../../output/colors.js';
import { renderCatalogTable, renderCheckText } from '../../output/catalog.js';

interface ExplainArgs {
  code?: string;
}

export function explainCommand(ctx: CommandContext): CommandModule<object, ExplainArgs> {
  return {
    command: 'explain [code]',
    describe: 'Explain a finding code: what it means, why it happens, how to repair it (no code: the catalog)',
    // The common connection flags are accepted, as kubectl's own commands accept them, though unused.
    builder: (y: Argv) =>
      withClusterOptions(y)
        .positional('code', { type: 'string', describe: 'A finding code such as PVC-003, or a check id' })
        .example('$0 explain PV-002', '') as unknown as Argv<ExplainArgs>,
    handler: (args) => {
      const paint = stdoutPaint(ctx.io);
      if (!args.code) {
        ctx.io.stdout.write(renderCatalogTable(ALL_CHECKS, (c) => paintSeverity(paint, c.severity)));
        ctx.exitCode = EXIT.OK;
        return;
      }
      const check = findCheck(args.code);
      if (!check) throw new UsageError(`unknown code "${args.code}"; run "kubectl sts-storage explain" for the catalog`);
      ctx.io.stdout.write(renderCheckText(check, paint));
      ctx.exitCode = EXIT.OK;
    },
  };
}
