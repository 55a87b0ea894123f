// --snapshot on resize and generate-template --apply: a snapshot set of the
// StatefulSet, each snapshot waited for until ready, before the repair's
// first write (fixes/snapshot-first.ts composes the plans).
import type { Argv } from 'yargs';
import type { KubeClient } from '../kube/client.js';
import type { StatefulSet } from '../kube/types.js';
import { durationFlag } from './options/duration.js';
import type { Plan } from '../fixes/plan.js';
import { planSnapshotSet, snapshotSetId } from '../fixes/snapshot-set.js';
import { withSnapshotFirst } from '../fixes/snapshot-first.js';
import { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import { loadSnapshotFromCluster } from '../snapshot/load-from-cluster.js';
import { UsageError } from './errors.js';

export interface SnapshotFirstArgs {
  snapshot?: boolean;
  'snapshot-class'?: string;
  'snapshot-timeout': string;
}

export function withSnapshotFirstOptions<T>(y: Argv<T>): Argv<T & SnapshotFirstArgs> {
  return y
    .option('snapshot', {
      type: 'boolean',
      describe: "First take a VolumeSnapshot of every ordinal's claim and wait until each is ready; nothing else is written before (see `snapshot`)",
    })
    .option('snapshot-class', { type: 'string', describe: "With --snapshot: the VolumeSnapshotClass (default: the one default of each volume's driver)" })
    .option('snapshot-timeout', { type: 'string', default: '10m', describe: 'With --snapshot: how long to wait for each snapshot to be ready' }) as Argv<
    T & SnapshotFirstArgs
  >;
}

/**
 * The repair's plan with a snapshot set in front, when --snapshot asks for it.
 * `sts` is the set as the repair leaves it (generate-template adds templates,
 * whose claims exist already and are the ones to protect).
 */
export async function snapshotFirst<P extends Plan & { warnings: string[] }>(
  client: KubeClient,
  args: SnapshotFirstArgs,
  sts: StatefulSet,
  plan: P,
): Promise<P> {
  if (!args.snapshot) return plan;
  const waitReadyMs = durationFlag('--snapshot-timeout', args['snapshot-timeout']);
  const namespace = sts.metadata?.namespace ?? client.namespace;
  const read = await loadSnapshotFromCluster(client, { scope: { namespace, names: [sts.metadata?.name ?? ''] } });
  for (const needed of ['volumesnapshots', 'volumesnapshotclasses', 'persistentvolumeclaims', 'persistentvolumes'] as const)
    if (!read.has(needed)) throw new UsageError(`--snapshot: cannot take snapshots here: ${needed}: ${read.unavailable[needed]}`);
  // The set as the repair leaves it, so its claims are found under the templates it will have.
  const snapshot = new ClusterSnapshot({ ...read, statefulSets: [sts] });
  const setId = snapshotSetId(Date.now());
  const snapshots = planSnapshotSet(snapshot, sts, { setId, className: args['snapshot-class'], waitReadyMs }, plan.command);
  return withSnapshotFirst(plan, snapshots);
}
