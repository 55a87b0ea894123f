import type { CommandContext } from '../commands/context.js';
import { clientFrom, type ClusterArgs } from '../options/cluster-options.js';
import { UsageError } from '../errors.js';
import { validateName, validateNamespace } from '../validate.js';
import { outputWidth, stdoutPaint } from '../io.js';
import { notFound } from '../../kube/errors.js';
import { snapshotSetsOf } from '../../analysis/snapshot-sets.js';
import { loadSnapshotFromCluster } from '../../snapshot/load-from-cluster.js';
import { renderSnapshotSets } from '../../output/snapshot-sets.js';
import { serialize } from '../../output/serialize.js';

export interface SnapshotsArgs extends ClusterArgs {
  statefulset: string;
  output: 'table' | 'json' | 'yaml';
}

export async function handle(args: SnapshotsArgs, ctx: CommandContext): Promise<void> {
  validateName('statefulset', args.statefulset);
  if (args.namespace) validateNamespace(args.namespace);
  if (args['all-namespaces']) throw new UsageError('snapshots lists one StatefulSet of one namespace: use -n NAMESPACE, not -A');
  const client = await clientFrom(args);
  try {
    const namespace = args.namespace || client.namespace;
    const snapshot = await loadSnapshotFromCluster(client, { scope: { namespace, names: [args.statefulset] }, chunkSize: args['chunk-size'] });
    if (!snapshot.has('volumesnapshots')) throw new UsageError(`cannot list snapshots: ${snapshot.unavailable.volumesnapshots}`);
    const sts = snapshot.statefulSets[0];
    if (!sts) throw notFound('StatefulSet', [args.statefulset], namespace);
    const sets = snapshotSetsOf(snapshot, sts);
    if (args.output === 'table') ctx.io.stdout.write(renderSnapshotSets(sets, args.statefulset, snapshot.now, stdoutPaint(ctx.io), outputWidth(ctx.io)));
    else ctx.io.stdout.write(serialize({ statefulSet: `${namespace}/${args.statefulset}`, snapshotSets: sets }, args.output));
  } finally {
    client.close();
  }
}
