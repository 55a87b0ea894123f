import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { withClusterOptions } from '../options/cluster-options.js';
import { withRepairOptions } from '../options/repair-options.js';
import type { SnapshotArgs } from '../handlers/snapshot.js';

export function snapshotCommand(ctx: CommandContext): CommandModule<object, SnapshotArgs> {
  return {
    command: 'snapshot <statefulset>',
    describe: 'Take a CSI VolumeSnapshot of every ordinal and template of a StatefulSet, as one labelled snapshot set',
    builder: (y: Argv) =>
      withRepairOptions(withClusterOptions(y))
        .positional('statefulset', { type: 'string', demandOption: true, describe: 'StatefulSet name' })
        .option('class', { type: 'string', describe: "VolumeSnapshotClass to use (default: the one default class of each volume's CSI driver)" })
        .option('template', { type: 'string', array: true, describe: 'Only these volumeClaimTemplates (repeatable; default: all)' })
        .option('id', { type: 'string', describe: 'The snapshot set id, in every name and label (default: the UTC time, 20261206-201500)' })
        .option('wait', { type: 'boolean', describe: 'Wait until every snapshot is readyToUse, with progress; exit 4 if --timeout ends first' })
        .option('timeout', { type: 'string', default: '10m', describe: 'How long --wait waits' })
        .example('$0 snapshot db -n shop --dry-run', 'Which claims would be snapshotted, with which class')
        .example('$0 snapshot db -n shop --wait --yes', 'Snapshot every ordinal and wait until each is ready') as unknown as Argv<SnapshotArgs>,
    handler: async (args) => (await import('../handlers/snapshot.js')).handle(args, ctx),
  };
}
