import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { withClusterOptions } from '../options/cluster-options.js';
import { withRepairOptions } from '../options/repair-options.js';
import { withSnapshotFirstOptions } from '../snapshot-first.js';
import { withOwnerSyncOption } from '../options/owner-options.js';
import type { GenerateTemplateArgs } from '../handlers/generate-template.js';

export function generateTemplateCommand(ctx: CommandContext): CommandModule<object, GenerateTemplateArgs> {
  return {
    command: 'generate-template <statefulset>',
    describe: 'Generate the volumeClaimTemplates that mounts name but nobody defined; print the manifest, or --apply it safely',
    builder: (y: Argv) =>
      withSnapshotFirstOptions(withOwnerSyncOption(withRepairOptions(withClusterOptions(y))))
        .positional('statefulset', { type: 'string', demandOption: true })
        .option('size', { type: 'string', describe: 'Storage request of the new templates (default: from existing claims/PVs, else 1Gi)' })
        .option('storage-class', {
          type: 'string',
          describe: 'storageClassName of the new templates (default: from existing claims/PVs, else unset = the default class)',
        })
        .option('access-mode', { type: 'string', array: true, describe: 'Access mode(s) (default: from existing claims/PVs, else ReadWriteOnce)' })
        .option('apply', {
          type: 'boolean',
          describe:
            'Replace the StatefulSet: back up, delete with propagationPolicy Orphan (pods and claims stay), create it with the templates, wait for adoption',
        })
        .option('roll-pods', {
          type: 'boolean',
          describe: 'With --apply: delete existing pods one at a time, highest ordinal first, so they are recreated with the new volumes',
        })
        .example('$0 generate-template mysql -n shop > mysql.yaml', 'Write the fixed manifest')
        .example(
          '$0 generate-template mysql -n shop --size 20Gi --apply',
          'Recreate the StatefulSet with the missing template',
        ) as unknown as Argv<GenerateTemplateArgs>,
    handler: async (args) => (await import('../handlers/generate-template.js')).handle(args, ctx),
  };
}
