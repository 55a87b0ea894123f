import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { withClusterOptions } from '../options/cluster-options.js';
import { withRepairOptions } from '../options/repair-options.js';
import type { RecoverNodeArgs } from '../handlers/recover-node.js';

export function recoverNodeCommand(ctx: CommandContext): CommandModule<object, RecoverNodeArgs> {
  return {
    command: 'recover-node <node>',
    describe: 'Release the pods and volumes of a node that is powered off (the out-of-service taint), so StatefulSet ordinals start elsewhere',
    builder: (y: Argv) =>
      withRepairOptions(withClusterOptions(y))
        .positional('node', { type: 'string', demandOption: true, describe: 'Node name' })
        .option('confirm-powered-off', {
          type: 'string',
          describe: 'Your statement that the node is shut down (not only unreachable): its name again. Required besides --yes',
        })
        .example('$0 recover-node node-b --dry-run', 'What would be released')
        .example('$0 recover-node node-b --confirm-powered-off=node-b', 'After checking that node-b is really off') as unknown as Argv<RecoverNodeArgs>,
    handler: async (args) => (await import('../handlers/recover-node.js')).handle(args, ctx),
  };
}
