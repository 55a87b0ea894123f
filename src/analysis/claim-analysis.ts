// Why a Pending claim does not bind, decided the way the PV controller's
// syncUnboundClaim decides it (pv_controller.go). Shared by the PVC checks,
// STS-008 and the preflight's predictions, so all name the same cause. It
// speaks in causes; which check reports a cause is the checks' business.
import type { Claim, StorageClass, Volume } from '../kube/types.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import {
  claimClass,
  claimHasClass,
  isVolumeBoundToClaim,
  isWaitForFirstConsumer,
  mismatchReasons,
  NO_PROVISIONER,
  requirementsOf,
  satisfyReasons,
} from '../kube/binding.js';
import { compareText } from '../kube/text-order.js';

/** Released (or releasing) PVs whose claimRef names this claim but carries another uid. */
export function staleClaimRefVolumes(snapshot: ClusterSnapshot, claim: Claim): Volume[] {
  return snapshot
    .volumesReferencing(claim.metadata?.namespace, claim.metadata?.name)
    .filter((v) => !!v.spec?.claimRef?.uid && v.spec.claimRef.uid !== claim.metadata?.uid);
}

export type VolumeNameProblem =
  | { kind: 'missing'; name: string }
  | { kind: 'other-claim'; name: string; volume: Volume }
  | { kind: 'mismatch'; name: string; volume: Volume; reasons: string[] };

/** spec.volumeName path of syncUnboundClaim. A stale claimRef to this claim is the stale-claim-ref cause, not this one. */
export function volumeNameProblem(snapshot: ClusterSnapshot, claim: Claim): VolumeNameProblem | undefined {
  const name = claim.spec?.volumeName;
  if (!name) return undefined;
  const volume = snapshot.volume(name);
  if (!volume) return { kind: 'missing', name };
  const ref = volume.spec?.claimRef;
  if (ref && !isVolumeBoundToClaim(volume, claim)) {
    if (ref.name === claim.metadata?.name && ref.namespace === claim.metadata?.namespace) return undefined;
    return { kind: 'other-claim', name, volume };
  }
  if (!ref) {
    const reasons = satisfyReasons(volume, requirementsOf(claim), { compareClass: true });
    if (reasons.length > 0) return { kind: 'mismatch', name, volume, reasons };
  }
  return undefined;
}

export interface EffectiveClass {
  name: string;
  storageClass?: StorageClass;
  /** nil class that the binder will default retroactively once no PV matches */
  defaulted: boolean;
}

export function effectiveClass(snapshot: ClusterSnapshot, claim: Claim): EffectiveClass {
  const name = claimClass(claim);
  if (name === '' && !claimHasClass(claim)) {
    const def = snapshot.defaultClass();
    if (def) return { name: def.metadata?.name ?? '', storageClass: def, defaulted: true };
  }
  return { name, storageClass: snapshot.storageClass(name), defaulted: false };
}

/** Can the class provision at all (exists and is not kubernetes.io/no-provisioner)? */
export function canProvision(cls: EffectiveClass): boolean {
  return cls.name !== '' && !!cls.storageClass && cls.storageClass.provisioner !== NO_PROVISIONER;
}

export interface NearMiss {
  volume: Volume;
  reasons: string[];
}

/**
 * Every PV the binder could consider for this claim: free or reserved ones,
 * not those bound to another live claim (they are never near misses).
 */
export function matchVolumes(snapshot: ClusterSnapshot, claim: Claim): { matches: Volume[]; nearMisses: NearMiss[] } {
  const req = requirementsOf(claim);
  const matches: Volume[] = [];
  const nearMisses: NearMiss[] = [];
  for (const volume of snapshot.candidateVolumes(claim)) {
    // Node affinity and WaitForFirstConsumer are the scheduler's business: a
    // PV that fits otherwise will be bound once a consumer is scheduled.
    const reasons = mismatchReasons(volume, req, false);
    if (reasons.length === 0) matches.push(volume);
    else nearMisses.push({ volume, reasons });
  }
  nearMisses.sort((a, b) => a.reasons.length - b.reasons.length || compareText(a.volume.metadata?.name ?? '', b.volume.metadata?.name ?? ''));
  return { matches, nearMisses };
}

/** Why a claim stays Pending: a Released PV holds its name with an old uid, spec.volumeName cannot be honoured, the class does not exist, or nothing matches and nothing provisions. */
export type PendingCause = 'stale-claim-ref' | 'volume-name' | 'class-missing' | 'no-match';

// Several checks ask for the same claim's cause, and deciding PVC-001 scans
// the candidate PVs: decide once per claim and snapshot (snapshots are not
// changed after they are built).
const causes = new WeakMap<ClusterSnapshot, Map<Claim, PendingCause | undefined>>();

/** The definite cause of a Pending claim, if one can be named now. */
export function pendingCause(snapshot: ClusterSnapshot, claim: Claim): PendingCause | undefined {
  let known = causes.get(snapshot);
  if (!known) causes.set(snapshot, (known = new Map()));
  if (!known.has(claim)) known.set(claim, decidePendingCause(snapshot, claim));
  return known.get(claim);
}

function decidePendingCause(snapshot: ClusterSnapshot, claim: Claim): PendingCause | undefined {
  if (claim.status?.phase !== 'Pending') return undefined;
  if (snapshot.has('persistentvolumes') && staleClaimRefVolumes(snapshot, claim).length > 0) return 'stale-claim-ref';
  if (snapshot.has('persistentvolumes') && volumeNameProblem(snapshot, claim)) return 'volume-name';
  if (claim.spec?.volumeName) return undefined;
  if (!snapshot.has('storageclasses')) return undefined;
  const cls = effectiveClass(snapshot, claim);
  // A missing class still binds a matching static PV (the binder matches by name): missing only matters when none matches.
  if (cls.name !== '' && !cls.storageClass)
    return snapshot.has('persistentvolumes') && matchVolumes(snapshot, claim).matches.length > 0 ? undefined : 'class-missing';
  if (canProvision(cls)) return undefined;
  if (!snapshot.has('persistentvolumes')) return undefined;
  if (matchVolumes(snapshot, claim).matches.length > 0) return undefined;
  return 'no-match';
}

export function isDelayBinding(cls: EffectiveClass): boolean {
  return isWaitForFirstConsumer(cls.storageClass);
}
