import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { withClusterOptions } from '../options/cluster-options.js';
import { withRepairOptions } from '../options/repair-options.js';
import type { FixClaimRefArgs } from '../handlers/fix-claimref.js';

export function fixClaimRefCommand(ctx: CommandContext): CommandModule<object, FixClaimRefArgs> {
  return {
    command: 'fix-claimref [volumes..]',
    describe: 'Clear the stale claimRef uid of Released PVs so their claim (or any claim, with --full) can bind them again',
    builder: (y: Argv) =>
      withRepairOptions(withClusterOptions(y))
        .positional('volumes', { type: 'string', array: true, describe: 'PersistentVolume names' })
        .option('full', {
          type: 'boolean',
          describe: 'Set claimRef to null so any matching claim can bind the PV (default: keep namespace/name, remove uid and resourceVersion)',
        })
        .option('all', { type: 'boolean', describe: 'Every Released PV the audit flags (PV-001, PV-002) in scope (-n or -A)' })
        .option('confirm-any-claim', {
          type: 'string',
          describe:
            "With --full on a PV that held a StatefulSet ordinal: the name of that ordinal's claim, stating that any claim may take its data (otherwise --full is refused there)",
        })
        .example('$0 fix-claimref pv-shiqi-redis', 'Give the PV back to the re-created claim of the same name')
        .example('$0 fix-claimref --all -n shop --dry-run', 'Preview the repair of every flagged PV of namespace shop')
        .example(
          '$0 fix-claimref pv-a --full --confirm-any-claim=data-web-1',
          "Let any claim take the data ordinal 1's claim data-web-1 left on pv-a",
        ) as unknown as Argv<FixClaimRefArgs>,
    handler: async (args) => (await import('../handlers/fix-claimref.js')).handle(args, ctx),
  };
}
