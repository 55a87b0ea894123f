import type { CommandContext } from '../commands/context.js';
import { clientFrom, type ClusterArgs } from '../options/cluster-options.js';
import { backupRootFrom, dryRunFrom, type RepairArgs } from '../options/repair-options.js';
import { EXIT, UsageError } from '../errors.js';
import { validateName, validateNamespace } from '../validate.js';
import { runPlan } from '../run-plan.js';
import { say } from '../io.js';
import { waitForSnapshots } from '../snapshot-wait.js';
import { durationFlag } from '../options/duration.js';
import { notFound } from '../../kube/errors.js';
import { planSnapshotSet, snapshotSetId } from '../../fixes/snapshot-set.js';
import { loadSnapshotFromCluster } from '../../snapshot/load-from-cluster.js';

export interface SnapshotArgs extends ClusterArgs, RepairArgs {
  statefulset: string;
  class?: string;
  template?: string[];
  id?: string;
  wait?: boolean;
  timeout: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export async function handle(args: SnapshotArgs, ctx: CommandContext): Promise<void> {
  validateName('statefulset', args.statefulset);
  if (args.namespace) validateNamespace(args.namespace);
  if (args['all-namespaces']) throw new UsageError('snapshot takes one StatefulSet of one namespace: use -n NAMESPACE, not -A');
  if (args.id !== undefined && !DNS_LABEL.test(args.id))
    throw new UsageError(`--id must be a DNS label (lower case letters, digits and "-", at most 63): "${args.id}"`);
  const waitMs = args.wait ? durationFlag('--timeout', args.timeout) : undefined;
  const dryRun = dryRunFrom(args);
  const client = await clientFrom(args);
  try {
    const namespace = args.namespace || client.namespace;
    const snapshot = await loadSnapshotFromCluster(client, { scope: { namespace, names: [args.statefulset] }, chunkSize: args['chunk-size'] });
    for (const needed of ['volumesnapshots', 'volumesnapshotclasses', 'statefulsets', 'persistentvolumeclaims', 'persistentvolumes'] as const)
      if (!snapshot.has(needed)) throw new UsageError(`cannot take snapshots here: ${needed}: ${snapshot.unavailable[needed]}`);
    const sts = snapshot.statefulSets[0];
    if (!sts) throw notFound('StatefulSet', [args.statefulset], namespace);
    const setId = args.id ?? snapshotSetId(Date.now());
    let plan;
    try {
      plan = planSnapshotSet(snapshot, sts, { setId, className: args.class, templates: args.template }, `snapshot ${args.statefulset} -n ${namespace}`);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    ctx.exitCode = await runPlan(client, plan, { dryRun, yes: !!args.yes, backupRoot: backupRootFrom(args, ctx.io.env), io: ctx.io, argv: ctx.argv });
    const created = plan.changes.flatMap((c) => c.steps.flatMap((s) => (s.kind === 'create' ? [s.body.metadata?.name ?? ''] : [])));
    if (ctx.exitCode !== EXIT.OK || dryRun !== 'none' || created.length === 0) return;
    say(ctx.io.stdout, ctx.io, `Snapshot set ${setId}: kubectl sts-storage snapshots ${args.statefulset} -n ${namespace}`);
    if (waitMs === undefined) return;
    const outcome = await waitForSnapshots(client, namespace, created, ctx.io, { waitMs });
    if (outcome === 'failed') ctx.exitCode = EXIT.FINDINGS;
    if (outcome === 'timed-out') {
      say(ctx.io.stdout, ctx.io, `The snapshots were created, but not all were ready to use when --timeout ${args.timeout} ended.`);
      ctx.exitCode = EXIT.WAIT_TIMED_OUT;
    }
  } finally {
    client.close();
  }
}
