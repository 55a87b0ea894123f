import type { CommandContext } from '../commands/context.js';
import { clientFrom, type ClusterArgs } from '../options/cluster-options.js';
import { backupRootFrom, dryRunFrom, type RepairArgs } from '../options/repair-options.js';
import { UsageError } from '../errors.js';
import { validateName, validateNamespace } from '../validate.js';
import { runPlan } from '../run-plan.js';
import { planProtect } from '../../fixes/protect.js';
import { setExposure } from '../../analysis/deletion-paths.js';
import { loadSnapshotFromCluster } from '../../snapshot/load-from-cluster.js';
import { patchVerdict, withOwner } from '../../fixes/owner-policy.js';
import { ownerOf } from '../../analysis/owner.js';

export interface ProtectArgs extends ClusterArgs, RepairArgs {
  statefulset: string;
  retention?: boolean;
  'owner-references'?: boolean;
}

export async function handle(args: ProtectArgs, ctx: CommandContext): Promise<void> {
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
    if (args.retention)
      withOwner(plan, patchVerdict(ownerOf(sts, snapshot.owners), 'persistentVolumeClaimRetentionPolicy'), {
        kind: 'StatefulSet',
        namespace,
        name: args.statefulset,
      });
    ctx.exitCode = await runPlan(client, plan, { dryRun, yes: !!args.yes, backupRoot: backupRootFrom(args, ctx.io.env), io: ctx.io, argv: ctx.argv });
  } finally {
    client.close();
  }
}
