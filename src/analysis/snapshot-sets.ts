// A StatefulSet's VolumeSnapshots, grouped into snapshot sets: those one
// `snapshot` run took share its set id label; any other snapshot of one of
// the set's claims (taken by hand or by another tool) is listed on its own.
import type { StatefulSet, VolumeSnapshot } from '../kube/types.js';
import { ordinalOfClaim } from '../kube/statefulset.js';
import { formatBytes } from '../kube/quantity.js';
import { restoreSizeBytes, SNAPSHOT_SET_LABEL, snapshotTakenAt, STATEFULSET_UID_ANNOTATION } from '../kube/volume-snapshot.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import { compareText } from '../kube/text-order.js';

export interface SnapshotRow {
  snapshot: string;
  claim: string;
  template: string;
  ordinal: number;
  ready: boolean;
  /** the controller's error, when it failed */
  error?: string;
  restoreSize?: string;
  takenAt?: string;
}

export interface SnapshotSet {
  /** the set id, or undefined for a snapshot not taken as part of a set */
  id?: string;
  rows: SnapshotRow[];
  /** every ordinal claim of every template that exists now has a ready snapshot in this set */
  complete: boolean;
  /** ms between the first and last snapshot taken, among the ready ones */
  spreadMs?: number;
  /** taken of an earlier StatefulSet of the same name (its uid differs) */
  earlierSet: boolean;
}

export function snapshotSetsOf(snapshot: ClusterSnapshot, sts: StatefulSet): SnapshotSet[] {
  const ns = sts.metadata?.namespace;
  const groups = new Map<string, { id?: string; items: Array<{ vs: VolumeSnapshot; template: string; ordinal: number; claim: string }> }>();
  for (const vs of snapshot.volumeSnapshots) {
    if (vs.metadata?.namespace !== ns) continue;
    const claim = vs.spec?.source?.persistentVolumeClaimName;
    const owner = claim ? ordinalOfClaim(sts, claim) : undefined;
    if (!claim || !owner) continue;
    const id = vs.metadata?.labels?.[SNAPSHOT_SET_LABEL];
    const key = id ? `set:${id}` : `one:${vs.metadata?.name}`;
    const group = groups.get(key) ?? { id, items: [] };
    group.items.push({ vs, claim, ...owner });
    groups.set(key, group);
  }
  const claimsNow = new Set(snapshot.claimsOf(sts).map((c) => c.metadata?.name ?? ''));
  const out: SnapshotSet[] = [];
  for (const { id, items } of groups.values()) {
    items.sort((a, b) => compareText(a.template, b.template) || a.ordinal - b.ordinal);
    const rows: SnapshotRow[] = items.map(({ vs, claim, template, ordinal }) => {
      const content = snapshot.snapshotContent(vs.status?.boundVolumeSnapshotContentName);
      const taken = snapshotTakenAt(vs, content);
      const size = restoreSizeBytes(vs, content);
      return {
        snapshot: vs.metadata?.name ?? '',
        claim,
        template,
        ordinal,
        ready: vs.status?.readyToUse === true && !vs.metadata?.deletionTimestamp,
        ...(vs.status?.error?.message ? { error: vs.status.error.message } : {}),
        ...(size !== undefined ? { restoreSize: formatBytes(size) } : {}),
        ...(taken !== undefined ? { takenAt: new Date(taken).toISOString() } : {}),
      };
    });
    const ready = rows.filter((r) => r.ready);
    const times = ready.flatMap((r) => (r.takenAt ? [Date.parse(r.takenAt)] : []));
    const readyClaims = new Set(ready.map((r) => r.claim));
    const setUid = items.map((i) => i.vs.metadata?.annotations?.[STATEFULSET_UID_ANNOTATION]).find((u) => u);
    out.push({
      id,
      rows,
      complete: claimsNow.size > 0 && [...claimsNow].every((c) => readyClaims.has(c)),
      ...(times.length > 1 ? { spreadMs: Math.max(...times) - Math.min(...times) } : {}),
      earlierSet: !!setUid && !!sts.metadata?.uid && setUid !== sts.metadata.uid,
    });
  }
  // Newest set first: the one a restore most likely wants.
  const newest = (s: SnapshotSet) => Math.max(0, ...s.rows.map((r) => (r.takenAt ? Date.parse(r.takenAt) : 0)));
  return out.sort((a, b) => newest(b) - newest(a) || compareText(a.id ?? '', b.id ?? ''));
}
