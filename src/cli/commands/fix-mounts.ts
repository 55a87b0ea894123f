import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { withClusterOptions } from '../options/cluster-options.js';
import { withRepairOptions } from '../options/repair-options.js';
import type { FixMountsArgs } from '../handlers/fix-mounts.js';

export function fixMountsCommand(ctx: CommandContext): CommandModule<object, FixMountsArgs> {
  return {
    command: 'fix-mounts <statefulset>',
    describe: 'Rename volumeMounts to the volumeClaimTemplate they were meant to use (a rolling update)',
    builder: (y: Argv) =>
      withRepairOptions(withClusterOptions(y))
        .positional('statefulset', { type: 'string', demandOption: true })
        .option('rename', {
          type: 'string',
          array: true,
          describe: 'OLD=NEW: rename mount OLD to template (or volume) NEW; without it the closest template is proposed',
        })
        .example('$0 fix-mounts mysql -n shop --rename mysql-data=pvc-mysql-data-xxx', '') as unknown as Argv<FixMountsArgs>,
    handler: async (args) => (await import('../handlers/fix-mounts.js')).handle(args, ctx),
  };
}
