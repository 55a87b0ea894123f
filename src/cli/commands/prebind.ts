import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { withClusterOptions } from '../options/cluster-options.js';
import { withRepairOptions } from '../options/repair-options.js';
import { withClaimSpecOptions } from '../options/claim-spec-options.js';
import type { PrebindArgs } from '../handlers/prebind.js';

export function prebindCommand(ctx: CommandContext): CommandModule<object, PrebindArgs> {
  return {
    command: 'prebind <volume>',
    describe: 'Reserve a PV for exactly one claim, including one that does not exist yet (a StatefulSet ordinal, before or after the set exists)',
    builder: (y: Argv) =>
      withClaimSpecOptions(withRepairOptions(withClusterOptions(y)))
        .positional('volume', { type: 'string', demandOption: true, describe: 'PersistentVolume name' })
        .option('claim', { type: 'string', describe: 'The claim: NAMESPACE/NAME, or NAME in -n' })
        .option('statefulset', { type: 'string', describe: 'StatefulSet whose ordinal claim gets the PV (with --ordinal); it may not exist yet' })
        .option('ordinal', { type: 'number', describe: 'Ordinal of the StatefulSet pod' })
        .option('template', { type: 'string', describe: 'volumeClaimTemplate name (needed when the StatefulSet has several)' })
        .example('$0 prebind pv-fast-1 --statefulset db --ordinal 0 -n shop', 'data-db-0 will bind pv-fast-1 when the StatefulSet creates it')
        .example('$0 prebind pv-old --statefulset db --ordinal 0 -n shop -f db.yaml', 'The same before db exists: its template comes from db.yaml')
        .example(
          '$0 prebind pv-old --claim restore -n shop --size 10Gi',
          'Give retained data to claim shop/restore, created later',
        ) as unknown as Argv<PrebindArgs>,
    handler: async (args) => (await import('../handlers/prebind.js')).handle(args, ctx),
  };
}
