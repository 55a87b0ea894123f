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
        .example('$0 fix-claimref pv-shiqi-redis', 'Give the PV back to the re-created claim of the same name')
        .example('$0 fix-claimref --all -n shop --dry-run', 'Preview the repair of every flagged PV of namespace shop') as unknown as Argv<FixClaimRefArgs>,
    handler: async (args) => (await import('../handlers/fix-claimref.js')).handle(args, ctx),
  };
}
