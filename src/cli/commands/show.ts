import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { withClusterOptions } from '../options/cluster-options.js';
import type { ShowArgs } from '../handlers/show.js';

export function showCommand(ctx: CommandContext): CommandModule<object, ShowArgs> {
  return {
    command: 'show <statefulset>',
    describe: 'Show the storage chain of one StatefulSet: template, claim, PV, claimRef, pod, with findings and repairs',
    builder: (y: Argv) =>
      withClusterOptions(y)
        .positional('statefulset', { type: 'string', demandOption: true })
        .option('output', { alias: 'o', choices: ['tree', 'json', 'yaml'] as const, default: 'tree' as const })
        .option('ascii', { type: 'boolean', describe: 'ASCII instead of box-drawing characters' })
        .example('$0 show mysql -n shop', '') as unknown as Argv<ShowArgs>,
    handler: async (args) => (await import('../handlers/show.js')).handle(args, ctx),
  };
}
