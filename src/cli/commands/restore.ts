import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { withClusterOptions } from '../options/cluster-options.js';
import { withRepairOptions } from '../options/repair-options.js';
import type { RestoreArgs } from '../handlers/restore.js';

export function restoreCommand(ctx: CommandContext): CommandModule<object, RestoreArgs> {
  return {
    command: 'restore <statefulset>',
    describe:
      'Give a StatefulSet its data back, one ordinal at a time: its retained PVs (before it exists, under another name, in another namespace), or a snapshot set',
    builder: (y: Argv) =>
      withRepairOptions(withClusterOptions(y))
        .positional('statefulset', { type: 'string', demandOption: true, describe: 'The StatefulSet that gets the data (it may not exist yet)' })
        .option('from-namespace', { type: 'string', describe: 'Where the old claims (with --from-snapshots: the snapshot set) are (default: -n)' })
        .option('from-statefulset', { type: 'string', describe: "The old StatefulSet name in the PVs' claimRefs (default: the same name)" })
        .option('volumes', {
          type: 'string',
          array: true,
          coerce: (v: string[]) => v.flatMap((x) => x.split(',')).filter(Boolean),
          describe: 'PVs in ordinal order (pv-a,pv-b,pv-c gives ordinals 0, 1, 2 from ordinals.start), instead of matching claimRefs',
        })
        .option('template', { type: 'string', describe: 'volumeClaimTemplate of the PVs (with --volumes, when the set has several or is not known)' })
        .option('from-snapshots', {
          type: 'string',
          describe:
            'Restore from a snapshot set (its id, as `snapshots STS` lists it): a claim per ordinal, each from its own snapshot, before the set uses them',
        })
        .option('filename', { alias: 'f', type: 'string', array: true, describe: 'Manifest of the StatefulSet to be applied, when it does not exist yet' })
        .example('$0 restore web -n shop --dry-run', "Released PVs of data-web-N in shop go back to web's ordinals")
        .example('$0 restore web -n new -f web.yaml --from-namespace old', 'Move the data of old/web to the web that web.yaml creates in new')
        .example('$0 restore db -n shop --volumes pv-a,pv-b,pv-c --template data', 'An explicit ordered list')
        .example('$0 restore db -n shop -f db.yaml --from-snapshots 20261206-201500', 'Each ordinal from its own snapshot, then apply db.yaml')
        .example(
          '$0 restore db -n staging -f db.yaml --from-snapshots 20261206-201500 --from-namespace shop',
          'A clone in another namespace, through copies of the snapshots',
        ) as unknown as Argv<RestoreArgs>,
    handler: async (args) => (await import('../handlers/restore.js')).handle(args, ctx),
  };
}
