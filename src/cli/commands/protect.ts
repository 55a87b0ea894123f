import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { clientFrom, withClusterOptions, type ClusterArgs } from '../options/cluster-options.js';
import { backupRootFrom, dryRunFrom, withRepairOptions, type RepairArgs } from '../options/repair-options.js';
import { UsageError } from '../errors.js';
import { validateName, validateNamespace } from '../validate.js';
import { runPlan } from '../run-plan.js';
import { planProtect } from '../../fixes/protect.js';
import { setExposure } from '../../analysis/deletion-paths.js';
import { loadSnapshotFromCluster } from '../../snapshot/load-from-cluster.js';

interface ProtectArgs extends ClusterArgs, RepairArgs {
  statefulset: string;
  retention?: boolean;
  'owner-references'?: boolean;
}

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
    handler: async (args) => {
      validateName('statefulset', args.statefulset);
      if (args.namespace) validateNamespace(args.namespace);
      if (args['all-namespaces']) throw new UsageError('protect changes one StatefulSet of one namespace: use -n NAMESPACE, not -A');
      const dryRun = dryRunFrom(args);
      const client = await clientFrom(args);
      try {
        const namespace = args.namespace || client.namespace;
        const snapshot = await loadSnapshotFromCluster(client, { scope: { namespace, names: [args.statefulset] }, chunkSize: args['chunk-size'] });
        for (const needed of ['statefulsets', 'persistentvolumeclaims', 'persistentvolumes', 'storageclasses'] as const)
          if (!snapshot.has(needed)) throw new UsageError(`cannot read ${needed}, so what would delete the data is unknown: ${snapshot.unavailable[needed]}`);
        const sts = snapshot.statefulSets[0]!;
        const flags = `${args.retention ? ' --retention' : ''}${args['owner-references'] ? ' --owner-references' : ''}`;
        const plan = planProtect(
          setExposure(snapshot, sts),
          { retention: !!args.retention, ownerReferences: !!args['owner-references'] },
          `protect ${args.statefulset} -n ${namespace}${flags}`,
        );
        ctx.exitCode = await runPlan(client, plan, { dryRun, yes: !!args.yes, backupRoot: backupRootFrom(args, ctx.io.env), io: ctx.io });
      } finally {
        client.close();
      }
    },
  };
}
