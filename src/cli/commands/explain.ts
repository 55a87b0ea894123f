import type { Argv, CommandModule } from 'yargs';
import { withClusterOptions } from '../options/cluster-options.js';
import type { CommandContext } from './context.js';
import type { ExplainArgs } from '../handlers/explain.js';

export function explainCommand(ctx: CommandContext): CommandModule<object, ExplainArgs> {
  return {
    command: 'explain [code]',
    describe: 'Explain a finding code: what it means, why it happens, how to repair it (no code: the catalog)',
    // The common connection flags are accepted, as kubectl's own commands accept them, though unused.
    builder: (y: Argv) =>
      withClusterOptions(y)
        .positional('code', { type: 'string', describe: 'A finding code such as PVC-003, or a check id' })
        .example('$0 explain PV-002', '') as unknown as Argv<ExplainArgs>,
    handler: async (args) => (await import('../handlers/explain.js')).handle(args, ctx),
  };
}
