import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { withClusterOptions } from '../options/cluster-options.js';
import type { SnapshotsArgs } from '../handlers/snapshots.js';

export function snapshotsCommand(ctx: CommandContext): CommandModule<object, SnapshotsArgs> {
  return {
    command: 'snapshots <statefulset>',
    describe: "List the VolumeSnapshots of a StatefulSet's claims, per snapshot set, newest first",
    builder: (y: Argv) =>
      withClusterOptions(y)
        .positional('statefulset', { type: 'string', demandOption: true, describe: 'StatefulSet name' })
        .option('output', { alias: 'o', choices: ['table', 'json', 'yaml'] as const, default: 'table' as const, describe: 'Output format' })
        .example('$0 snapshots db -n shop', 'Each snapshot set: which claims it covers, ready or not, how far apart') as unknown as Argv<SnapshotsArgs>,
    handler: async (args) => (await import('../handlers/snapshots.js')).handle(args, ctx),
  };
}
