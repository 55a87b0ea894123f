// protect: take away what would delete a StatefulSet's data (analysis/deletion-paths.ts).
// - every PV holding one of its claims gets reclaimPolicy Retain (the default);
// - --retention sets persistentVolumeClaimRetentionPolicy to Retain/Retain, after
//   which the StatefulSet controller removes its own references from the claims
//   (updateClaimOwnerRefForSetAndPod scrubs them under Retain/Retain);
// - --owner-references removes the references the policy does not call for:
//   foreign owners, a set reference under whenDeleted: Retain, a dangling one to
//   a previous set, a pod's on an ordinal in range.
// A StorageClass cannot change, so a class that provisions with Delete is a
// warning, not a step.
import type { Claim, StatefulSet, Volume } from '../kube/types.js';
import { objectPath } from '../kube/resources.js';
import { ownerReferencesOf, type OwnerThreat, type SetExposure } from '../analysis/deletion-paths.js';
import { clone, pointer, preconditions, specPreconditions, targetOf, type JsonPatchOp, type Plan, type PlannedChange, type Refusal } from './plan.js';

export interface ProtectOptions {
  retention: boolean;
  ownerReferences: boolean;
}

function planVolume(volume: Volume, claimName: string): PlannedChange | Refusal {
  const name = volume.metadata?.name ?? '';
  const policy = volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
  const target = { kind: 'PersistentVolume', name };
  if (policy === 'Retain') return { target, reasons: [`reclaimPolicy is already Retain (claim ${claimName})`], noop: true };
  if (volume.metadata?.deletionTimestamp) return { target, reasons: ['it is being deleted'] };
  const after = clone(volume);
  after.spec!.persistentVolumeReclaimPolicy = 'Retain';
  return {
    target: targetOf('PersistentVolume', volume),
    summary: `set reclaimPolicy of PV ${name} (claim ${claimName}) from ${policy} to Retain`,
    before: volume,
    after,
    steps: [
      {
        kind: 'patch',
        path: objectPath('PersistentVolume', name),
        patch: [...preconditions(volume), { op: 'replace', path: pointer('spec', 'persistentVolumeReclaimPolicy'), value: 'Retain' }],
        description: 'JSON patch with test preconditions',
      },
    ],
    permissions: [{ verb: 'patch', group: '', resource: 'persistentvolumes' }],
    warnings: [],
    notes: ['deleting the claim now leaves the PV Released with its data, for fix-claimref or restore to give back'],
    owned: [pointer('spec', 'persistentVolumeReclaimPolicy')],
  };
}

function planRetention(sts: StatefulSet, exposure: SetExposure): PlannedChange | Refusal {
  const name = sts.metadata?.name ?? '';
  const target = { kind: 'StatefulSet', namespace: sts.metadata?.namespace, name };
  if (exposure.whenScaled === 'Retain' && exposure.whenDeleted === 'Retain')
    return { target, reasons: ['persistentVolumeClaimRetentionPolicy is already whenDeleted: Retain, whenScaled: Retain'], noop: true };
  if (sts.metadata?.deletionTimestamp) return { target, reasons: ['it is being deleted'] };
  const policy = { whenDeleted: 'Retain', whenScaled: 'Retain' };
  const after = clone(sts);
  after.spec!.persistentVolumeClaimRetentionPolicy = policy;
  return {
    target: targetOf('StatefulSet', sts),
    summary: `set persistentVolumeClaimRetentionPolicy of statefulset ${name} from whenDeleted: ${exposure.whenDeleted}, whenScaled: ${exposure.whenScaled} to whenDeleted: Retain, whenScaled: Retain`,
    before: sts,
    after,
    steps: [
      {
        kind: 'patch',
        path: objectPath('StatefulSet', name, sts.metadata?.namespace),
        patch: [...specPreconditions(sts), { op: 'add', path: pointer('spec', 'persistentVolumeClaimRetentionPolicy'), value: policy }],
        description: 'JSON patch with test preconditions (uid and generation)',
      },
    ],
    permissions: [{ verb: 'patch', group: 'apps', resource: 'statefulsets', namespace: sts.metadata?.namespace }],
    warnings: [],
    notes: ['the StatefulSet controller then removes its ownerReferences from the claims; scale-downs and deleting the set keep every claim'],
    owned: [pointer('spec', 'persistentVolumeClaimRetentionPolicy')],
  };
}

/** The uids of the references a threat names. */
function threatUids(t: OwnerThreat): string[] {
  return t.kind === 'foreign' ? t.owners.map((o) => o.uid) : [t.owner.uid];
}

function threatLabel(t: OwnerThreat): string {
  switch (t.kind) {
    case 'foreign':
      return t.owners.map((o) => `${o.kind} ${o.name} (uid ${o.uid}${o.controller ? ', controller' : ''})`).join(', ');
    case 'set-against-policy':
      return `StatefulSet ${t.owner.name} (uid ${t.owner.uid}; whenDeleted is Retain)`;
    case 'stale-set':
      return `StatefulSet ${t.owner.name} (uid ${t.owner.uid}, a previous set of that name)`;
    case 'pod-in-range':
      return `Pod ${t.owner.name} (uid ${t.owner.uid}; its ordinal is in range)`;
  }
}

function planOwnerReferences(claim: Claim, threats: OwnerThreat[], retentionChanges: boolean): PlannedChange | undefined {
  // After --retention the policy says Retain, and the set's own reference is the controller's to remove.
  const relevant = threats.filter((t) => !(retentionChanges && t.kind === 'set-against-policy'));
  const uids = new Set(relevant.flatMap(threatUids));
  if (uids.size === 0) return undefined;
  const name = claim.metadata?.name ?? '';
  const refs = ownerReferencesOf(claim);
  const patch: JsonPatchOp[] = preconditions(claim);
  // From the last index down, so each removal leaves the earlier indexes where the tests expect them.
  for (let i = refs.length - 1; i >= 0; i--) {
    if (!uids.has(refs[i]!.uid)) continue;
    patch.push({ op: 'test', path: pointer('metadata', 'ownerReferences', i, 'uid'), value: refs[i]!.uid });
    patch.push({ op: 'remove', path: pointer('metadata', 'ownerReferences', i) });
  }
  const after = clone(claim);
  const kept = refs.filter((r) => !uids.has(r.uid));
  if (kept.length > 0) after.metadata!.ownerReferences = kept as never;
  else delete after.metadata!.ownerReferences;
  // Only the controlling owner's operator puts a reference back; other owners are just removed.
  const controllers = relevant.flatMap((t) => (t.kind === 'foreign' ? t.owners.filter((o) => o.controller === true) : []));
  return {
    target: targetOf('PersistentVolumeClaim', claim),
    summary: `remove ownerReferences of claim ${name}: ${relevant.map(threatLabel).join('; ')}`,
    before: claim,
    after,
    steps: [
      { kind: 'patch', path: objectPath('PersistentVolumeClaim', name, claim.metadata?.namespace), patch, description: 'JSON patch with test preconditions' },
    ],
    permissions: [{ verb: 'patch', group: '', resource: 'persistentvolumeclaims', namespace: claim.metadata?.namespace }],
    warnings: controllers.map(
      (o) => `${o.kind} ${o.name} (uid ${o.uid}) controls this claim: the operator behind it may add the reference again; check its configuration`,
    ),
    notes: ['the garbage collector no longer deletes the claim when those owners go'],
    owned: [pointer('metadata', 'ownerReferences')],
  };
}

export function planProtect(exposure: SetExposure, opts: ProtectOptions, command: string): Plan & { warnings: string[] } {
  const plan: Plan & { warnings: string[] } = { command, changes: [], refusals: [], warnings: [] };
  const push = (r: PlannedChange | Refusal | undefined) => {
    if (!r) return;
    if ('steps' in r) plan.changes.push(r);
    else plan.refusals.push(r);
  };
  const seen = new Set<string>();
  for (const c of exposure.claims) {
    const v = c.volume;
    if (!v || seen.has(v.metadata?.name ?? '')) continue;
    seen.add(v.metadata?.name ?? '');
    push(planVolume(v, c.claim.metadata?.name ?? ''));
  }
  // Claims before the set: once the policy is Retain the controller rewrites the claims'
  // references, which would move their resourceVersion under our preconditions.
  const threatened = exposure.claims.filter((c) => c.ownerThreats.length > 0);
  if (opts.ownerReferences) {
    const before = plan.changes.length;
    for (const c of threatened) push(planOwnerReferences(c.claim, c.ownerThreats, opts.retention));
    // Asked for, and nothing found: said, so silence is never read as "done".
    if (plan.changes.length === before)
      plan.refusals.push({
        target: { kind: 'StatefulSet', namespace: exposure.sts.metadata?.namespace, name: exposure.sts.metadata?.name ?? '' },
        reasons: ['--owner-references: no claim of this set has an ownerReference that would delete it'],
        noop: true,
      });
  }
  if (opts.retention) push(planRetention(exposure.sts, exposure));

  const set = exposure.sts.metadata?.name ?? '';
  if (!opts.retention && (exposure.whenScaled === 'Delete' || exposure.whenDeleted === 'Delete'))
    plan.warnings.push(
      `statefulset ${set} still deletes claims (whenDeleted: ${exposure.whenDeleted}, whenScaled: ${exposure.whenScaled}); --retention sets both to Retain`,
    );
  if (!opts.ownerReferences && threatened.length > 0)
    plan.warnings.push(
      `${threatened.map((c) => c.claim.metadata?.name).join(', ')} ${threatened.length === 1 ? 'has an ownerReference' : 'have ownerReferences'} that can delete ${threatened.length === 1 ? 'it' : 'them'}; --owner-references removes them`,
    );
  for (const c of exposure.deletingClasses)
    plan.warnings.push(
      `template ${c.template} provisions from StorageClass ${c.className} with reclaimPolicy Delete, which cannot change: run protect again after a scale-up, or move the template to a class with reclaimPolicy: Retain`,
    );
  return plan;
}
