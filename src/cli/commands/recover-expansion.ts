import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { withClusterOptions } from '../options/cluster-options.js';
import { withRepairOptions } from '../options/repair-options.js';
import type { RecoverArgs } from '../handlers/recover-expansion.js';

export function recoverExpansionCommand(ctx: CommandContext): CommandModule<object, RecoverArgs> {
  return {
    command: 'recover-expansion <claim>',
    describe: 'Lower the request of a claim whose expansion cannot finish (infeasible), to a size above its capacity (RecoverVolumeExpansionFailure)',
    builder: (y: Argv) =>
      withRepairOptions(withClusterOptions(y))
        .positional('claim', { type: 'string', demandOption: true, describe: 'PersistentVolumeClaim name' })
        .option('to', { type: 'string', demandOption: true, describe: 'The new request: more than status.capacity, less than the current request' })
        .example('$0 recover-expansion data-web-0 -n shop --to 20Gi', 'Ask for 20Gi instead of the 100Ti the driver refused') as unknown as Argv<RecoverArgs>,
    handler: async (args) => (await import('../handlers/recover-expansion.js')).handle(args, ctx),
  };
}
