import { notFound } from '../../kube/errors.js';
import type { CommandContext } from '../commands/context.js';
import { say } from '../io.js';
import { clientFrom, namespaceFrom, type ClusterArgs } from '../options/cluster-options.js';
import { backupRootFrom, dryRunFrom, type RepairArgs } from '../options/repair-options.js';
import { UsageError } from '../errors.js';
import { runPlan } from '../run-plan.js';
import { planClaimRefFix } from '../../fixes/fix-claimref.js';
import type { Plan } from '../../fixes/plan.js';
import { getObject } from '../../fixes/read.js';
import type { Claim, Volume } from '../../kube/types.js';
import { loadSnapshotFromCluster } from '../../snapshot/load-from-cluster.js';
import { runChecks } from '../../checks/run-checks.js';
import { pvReleasedClaimGone } from '../../checks/pv-released-claim-gone.js';
import { pvReleasedStaleClaimref } from '../../checks/pv-released-stale-claimref.js';

export interface FixClaimRefArgs extends ClusterArgs, RepairArgs {
  volumes?: string[];
  full?: boolean;
  all?: boolean;
  'confirm-any-claim'?: string;
}

export async function handle(args: FixClaimRefArgs, ctx: CommandContext): Promise<void> {
  const names = args.volumes ?? [];
  if (!args.all && names.length === 0) throw new UsageError('name at least one PersistentVolume, or pass --all');
  if (args.all && names.length > 0) throw new UsageError('--all and PV names exclude each other');
  if (args['confirm-any-claim'] !== undefined && !args.full) throw new UsageError('--confirm-any-claim goes with --full');
  // One statement names one ordinal's claim: it cannot cover several PVs at once.
  if (args['confirm-any-claim'] !== undefined && (args.all || names.length > 1))
    throw new UsageError('--confirm-any-claim names the claim of one PV: give one PV');
  const dryRun = dryRunFrom(args);
  const client = await clientFrom(args);
  try {
    let volumes: Volume[];
    const claims = new Map<string, Claim | undefined>();
    if (args.all) {
      const snapshot = await loadSnapshotFromCluster(client, { scope: { namespace: namespaceFrom(args, client) }, chunkSize: args['chunk-size'] });
      if (!snapshot.has('persistentvolumes')) throw new UsageError(`cannot list PersistentVolumes: ${snapshot.unavailable.persistentvolumes}`);
      const flagged = new Set(runChecks(snapshot, undefined, [pvReleasedClaimGone, pvReleasedStaleClaimref]).findings.map((f) => f.object.name));
      volumes = snapshot.volumes.filter((v) => flagged.has(v.metadata?.name ?? ''));
      for (const v of volumes) {
        const ref = v.spec?.claimRef;
        claims.set(v.metadata?.name ?? '', snapshot.claim(ref?.namespace, ref?.name));
      }
    } else {
      volumes = [];
      for (const name of names) {
        const v = await getObject<Volume>(client, 'PersistentVolume', name);
        if (!v) throw notFound('PersistentVolume', [name]);
        volumes.push(v);
        const ref = v.spec?.claimRef;
        claims.set(name, ref?.name && ref.namespace ? await getObject<Claim>(client, 'PersistentVolumeClaim', ref.name, ref.namespace) : undefined);
      }
    }
    const plan: Plan = { command: `fix-claimref ${args.all ? '--all' : names.join(' ')}${args.full ? ' --full' : ''}`, changes: [], refusals: [] };
    for (const v of volumes) {
      const r = planClaimRefFix(v, claims.get(v.metadata?.name ?? ''), { full: !!args.full, force: !!args.force, confirmAnyClaim: args['confirm-any-claim'] });
      if ('steps' in r) plan.changes.push(r);
      else plan.refusals.push(r);
    }
    if (args.all && volumes.length === 0) say(ctx.io.stdout, ctx.io, 'No Released PV with a stale claimRef in scope.');
    ctx.exitCode = await runPlan(client, plan, { dryRun, yes: !!args.yes, backupRoot: backupRootFrom(args, ctx.io.env), io: ctx.io, argv: ctx.argv });
  } finally {
    client.close();
  }
}
