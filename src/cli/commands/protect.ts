import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { withClusterOptions } from '../options/cluster-options.js';
import { withRepairOptions } from '../options/repair-options.js';
import type { ProtectArgs } from '../handlers/protect.js';

export function protectCommand(ctx: CommandContext): CommandModule<object, ProtectArgs> {
  return {
    command: 'protect <statefulset>',
    describe: "Take away what would delete a StatefulSet's data: reclaimPolicy Retain on its PVs, optionally the retention policy and foreign ownerReferences",
    builder: (y: Argv) =>
      withRepairOptions(withClusterOptions(y))
        .positional('statefulset', { type: 'string', demandOption: true, describe: 'StatefulSet name' })
        .option('retention', { type: 'boolean', describe: 'Also set persistentVolumeClaimRetentionPolicy to whenDeleted: Retain, whenScaled: Retain' })
        .option('owner-references', {
          type: 'boolean',
          describe:
            'Also remove the ownerReferences that would delete claims against the retention policy (foreign owners, stale or out-of-policy set and pod references)',
        })
        .example('$0 protect web -n shop --dry-run', 'What would change, validated by the API server')
        .example('$0 protect web -n shop --retention --owner-references', 'Nothing deletes the claims or their PVs any more') as unknown as Argv<ProtectArgs>,
    handler: async (args) => (await import('../handlers/protect.js')).handle(args, ctx),
  };
}
