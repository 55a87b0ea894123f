// What would delete each claim of a StatefulSet, and its PV with it: the
// retention policy as the StatefulSet controller applies it, the ownerReferences
// the garbage collector follows, and the PVs' reclaim policy. The checks
// (STS-013..015, PVC-009), `show` and `protect` read the same answer.
//
// From pkg/controller/statefulset/stateful_set_utils.go (1.37):
// - isClaimOwnerUpToDate / updateClaimOwnerRefForSetAndPod: whenDeleted: Delete
//   puts the set's controller reference on the claims of ordinals in range;
//   whenScaled: Delete puts the pod's on the claim of a condemned ordinal just
//   before that pod is deleted, so the garbage collector takes the claim with it;
// - hasUnexpectedController: a claim with another controller reference is left
//   alone ("the retention policy is ignored for this claim", ConflictingController);
// - Retain/Retain: the controller removes its own references.
// The garbage collector deletes a dependent once none of its owners exists, an
// owner whose uid differs from the reference counting as gone
// (garbagecollector.go isDangling).
import type { Claim, StatefulSet, StorageClass, Volume } from '../kube/types.js';
import { claimClass, claimHasClass, NO_PROVISIONER } from '../kube/binding.js';
import { isOrdinalInRange, startOrdinal, templateNames } from '../kube/statefulset.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import { compareText } from '../kube/text-order.js';

export type RetentionPolicy = 'Retain' | 'Delete';

export interface OwnerReference {
  apiVersion?: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

/** Why the garbage collector would take a claim the retention policy does not delete. */
export type OwnerThreat =
  /** an object other than this set or its pods owns the claim (an operator's resource) */
  | { kind: 'foreign'; owners: OwnerReference[]; controller: boolean }
  /** the set's own reference although whenDeleted is Retain */
  | { kind: 'set-against-policy'; owner: OwnerReference }
  /** a reference to a set of this name with another uid: the garbage collector treats its owner as gone */
  | { kind: 'stale-set'; owner: OwnerReference; liveUid: string }
  /** the pod's reference on an ordinal in range: deleting the pod (an eviction, a rolling update) takes the claim */
  | { kind: 'pod-in-range'; owner: OwnerReference };

export interface ClaimExposure {
  ordinal: number;
  template: string;
  claim: Claim;
  volume?: Volume;
  /** deleted when its ordinal is scaled away (whenScaled: Delete) */
  byScaleDown: boolean;
  /** deleted with the StatefulSet (whenDeleted: Delete) */
  bySetDeletion: boolean;
  ownerThreats: OwnerThreat[];
  /** the PV's data goes with the claim (reclaimPolicy Delete) */
  volumeDeletedWithClaim: boolean;
}

/** A template whose new claims are provisioned by a class that deletes their PVs with them. */
export interface DeletingClass {
  template: string;
  className: string;
  provisioner: string;
  /** reclaimPolicy as the class states it; unset means Delete */
  reclaimPolicy?: string;
  isDefault: boolean;
}

export interface SetExposure {
  sts: StatefulSet;
  whenScaled: RetentionPolicy;
  whenDeleted: RetentionPolicy;
  /** every existing claim of the set, in range or left over, by ordinal */
  claims: ClaimExposure[];
  deletingClasses: DeletingClass[];
}

export function retentionOf(sts: StatefulSet): { whenScaled: RetentionPolicy; whenDeleted: RetentionPolicy } {
  const p = sts.spec?.persistentVolumeClaimRetentionPolicy;
  return { whenScaled: p?.whenScaled === 'Delete' ? 'Delete' : 'Retain', whenDeleted: p?.whenDeleted === 'Delete' ? 'Delete' : 'Retain' };
}

export function ownerReferencesOf(claim: Claim): OwnerReference[] {
  return (claim.metadata?.ownerReferences ?? []) as OwnerReference[];
}

/** The PV a claim's data lives on: the one it is bound to, or else one whose claimRef names it. */
export function volumeOfClaim(snapshot: ClusterSnapshot, claim: Claim): Volume | undefined {
  return snapshot.volume(claim.spec?.volumeName) ?? snapshot.volumesReferencing(claim.metadata?.namespace, claim.metadata?.name)[0];
}

/** Delete is the default for dynamically provisioned PVs (StorageClass reclaimPolicy unset). */
export function deletesData(policy: string | undefined): boolean {
  return policy === 'Delete';
}

function classReclaimPolicy(sc: StorageClass): string {
  return sc.reclaimPolicy ?? 'Delete';
}

const isSetRef = (ref: OwnerReference, sts: StatefulSet) => ref.apiVersion === 'apps/v1' && ref.kind === 'StatefulSet' && ref.name === sts.metadata?.name;
const isPodRef = (ref: OwnerReference, podName: string) => ref.apiVersion === 'v1' && ref.kind === 'Pod' && ref.name === podName;

function ownerThreats(claim: Claim, sts: StatefulSet, ordinal: number, whenDeleted: RetentionPolicy): OwnerThreat[] {
  const refs = ownerReferencesOf(claim);
  const podName = `${sts.metadata?.name ?? ''}-${ordinal}`;
  const threats: OwnerThreat[] = [];
  const foreign = refs.filter((r) => !isSetRef(r, sts) && !isPodRef(r, podName));
  if (foreign.length > 0) threats.push({ kind: 'foreign', owners: foreign, controller: foreign.some((r) => r.controller === true) });
  for (const ref of refs) {
    if (isSetRef(ref, sts)) {
      if (ref.uid !== sts.metadata?.uid) threats.push({ kind: 'stale-set', owner: ref, liveUid: sts.metadata?.uid ?? '' });
      else if (whenDeleted === 'Retain') threats.push({ kind: 'set-against-policy', owner: ref });
    } else if (isPodRef(ref, podName) && isOrdinalInRange(sts, ordinal)) {
      threats.push({ kind: 'pod-in-range', owner: ref });
    }
  }
  return threats;
}

// Four checks and `show` ask about the same set: decided once per snapshot.
const decided = new WeakMap<ClusterSnapshot, Map<StatefulSet, SetExposure>>();

export function setExposure(snapshot: ClusterSnapshot, sts: StatefulSet): SetExposure {
  let cache = decided.get(snapshot);
  if (!cache) decided.set(snapshot, (cache = new Map()));
  let exposure = cache.get(sts);
  if (!exposure) cache.set(sts, (exposure = decideExposure(snapshot, sts)));
  return exposure;
}

function decideExposure(snapshot: ClusterSnapshot, sts: StatefulSet): SetExposure {
  const { whenScaled, whenDeleted } = retentionOf(sts);
  const ns = sts.metadata?.namespace;
  const claims: ClaimExposure[] = [];
  for (const claim of snapshot.claimsOf(sts)) {
    const owner = snapshot.claimOwner(ns, claim.metadata?.name ?? '');
    if (!owner) continue;
    const threats = ownerThreats(claim, sts, owner.ordinal, whenDeleted);
    // hasUnexpectedController: the controller ignores the retention policy for such a claim.
    const ignored = threats.some((t) => t.kind === 'foreign' && t.controller) || threats.some((t) => t.kind === 'stale-set');
    const inRange = isOrdinalInRange(sts, owner.ordinal);
    const volume = volumeOfClaim(snapshot, claim);
    claims.push({
      ordinal: owner.ordinal,
      template: owner.template,
      claim,
      volume,
      byScaleDown: !ignored && inRange && whenScaled === 'Delete',
      bySetDeletion: !ignored && inRange && whenDeleted === 'Delete',
      ownerThreats: threats,
      volumeDeletedWithClaim: deletesData(volume?.spec?.persistentVolumeReclaimPolicy),
    });
  }
  claims.sort((a, b) => a.ordinal - b.ordinal || compareText(a.template, b.template));
  const deletingClasses: DeletingClass[] = [];
  for (const template of sts.spec?.volumeClaimTemplates ?? []) {
    const name = template.metadata?.name ?? '';
    if (!templateNames(sts).includes(name)) continue;
    const sc = claimHasClass(template) ? snapshot.storageClass(claimClass(template)) : snapshot.defaultClass();
    if (!sc || sc.provisioner === NO_PROVISIONER || !deletesData(classReclaimPolicy(sc))) continue;
    deletingClasses.push({
      template: name,
      className: sc.metadata?.name ?? '',
      provisioner: sc.provisioner,
      reclaimPolicy: sc.reclaimPolicy,
      isDefault: !claimHasClass(template),
    });
  }
  return { sts, whenScaled, whenDeleted, claims, deletingClasses };
}

/** The replica count a scale-down example goes to: one pod left, or none for a set of one. */
export function scaleDownTarget(replicas: number): number {
  return replicas > 1 ? 1 : 0;
}

/** The claims a scale-down to `target` replicas deletes under whenScaled: Delete. */
export function claimsDeletedByScaleDown(exposure: SetExposure, target: number): ClaimExposure[] {
  const firstCondemned = startOrdinal(exposure.sts) + target;
  return exposure.claims.filter((c) => c.byScaleDown && c.ordinal >= firstCondemned);
}
