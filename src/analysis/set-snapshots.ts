// A StatefulSet's claims seen as snapshot sources: which CSI driver holds
// each, which class a snapshot of it would get, and the newest ready
// snapshot per ordinal. The audit (STS-022, STS-023) and `snapshot` ask.
import type { Claim, StatefulSet, Volume, VolumeSnapshot } from '../kube/types.js';
import { ordinalOfClaim } from '../kube/statefulset.js';
import { isReadySnapshot, resolveSnapshotClass, snapshotTakenAt, type ClassResolution } from '../kube/volume-snapshot.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import { compareText } from '../kube/text-order.js';

export interface SourceClaim {
  claim: Claim;
  template: string;
  ordinal: number;
  volume?: Volume;
  /** the PV's CSI driver; undefined for a claim not Bound or a PV that is not CSI */
  driver?: string;
}

/** The set's own ordinal claims that exist, in template then ordinal order. */
export function sourceClaims(snapshot: ClusterSnapshot, sts: StatefulSet): SourceClaim[] {
  const out: SourceClaim[] = [];
  for (const claim of snapshot.claimsOf(sts)) {
    const owner = ordinalOfClaim(sts, claim.metadata?.name ?? '');
    if (!owner) continue;
    const volume = claim.status?.phase === 'Bound' ? snapshot.volume(claim.spec?.volumeName) : undefined;
    out.push({ claim, ...owner, volume, driver: volume?.spec?.csi?.driver });
  }
  return out.sort((a, b) => compareText(a.template, b.template) || a.ordinal - b.ordinal);
}

/** The class each driver of the set's volumes would snapshot with, or why none. */
export function classesByDriver(snapshot: ClusterSnapshot, sts: StatefulSet, named?: string): Map<string, ClassResolution> {
  const out = new Map<string, ClassResolution>();
  for (const { driver } of sourceClaims(snapshot, sts)) {
    if (driver && !out.has(driver)) out.set(driver, resolveSnapshotClass(snapshot.volumeSnapshotClasses, driver, named));
  }
  return out;
}

export interface OrdinalSnapshot {
  source: SourceClaim;
  /** the newest ready snapshot of the claim, if any */
  newest?: VolumeSnapshot;
  takenAt?: number;
}

/** Per ordinal claim, the newest ready snapshot taken of it. */
export function newestSnapshots(snapshot: ClusterSnapshot, sts: StatefulSet): OrdinalSnapshot[] {
  return sourceClaims(snapshot, sts).map((source) => {
    let newest: VolumeSnapshot | undefined;
    let takenAt: number | undefined;
    for (const vs of snapshot.snapshotsOfClaim(source.claim.metadata?.namespace, source.claim.metadata?.name ?? '')) {
      if (!isReadySnapshot(vs)) continue;
      const t = snapshotTakenAt(vs, snapshot.snapshotContent(vs.status?.boundVolumeSnapshotContentName));
      if (t !== undefined && (takenAt === undefined || t > takenAt)) [newest, takenAt] = [vs, t];
    }
    return { source, newest, takenAt };
  });
}
