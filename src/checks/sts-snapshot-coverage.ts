import { defineCheck, type FindingDraft } from './check.js';
import { setFinding } from './helpers.js';
import { newestSnapshots } from '../analysis/set-snapshots.js';
import { formatDuration } from '../kube/time.js';

/** Snapshots of one set taken further apart than this do not restore one moment of it. */
export const SPREAD_LIMIT_MS = 60 * 60_000;

export const stsSnapshotCoverage = defineCheck({
  id: 'sts-snapshot-coverage',
  code: 'STS-023',
  severity: 'info',
  title: 'Only some ordinals of a set have a ready snapshot, or their snapshots are hours apart',
  rationale:
    'A StatefulSet is restored ordinal by ordinal, each claim from its own snapshot. When some ordinals have no ready snapshot, a restore brings back part of the set; when the newest snapshots of the ordinals were taken far apart, the restored members hold different moments of the data (replicas that disagree, a quorum that rejects the old member). Per-ordinal snapshots are crash-consistent at best; VolumeGroupSnapshot takes them at one instant where the driver supports it.',
  remediation:
    'Take a snapshot of every ordinal at once with `kubectl sts-storage snapshot STS --wait`, and list them per set with `kubectl sts-storage snapshots STS`.',
  needs: ['statefulsets', 'persistentvolumeclaims', 'volumesnapshots'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      const ordinals = newestSnapshots(snapshot, sts);
      const covered = ordinals.filter((o) => o.newest);
      // A set nobody snapshots is not this check's business; STS-022 says whether one could be.
      if (covered.length === 0) continue;
      const missing = ordinals.filter((o) => !o.newest);
      const times = covered.map((o) => o.takenAt!);
      const spread = Math.max(...times) - Math.min(...times);
      if (missing.length === 0 && spread <= SPREAD_LIMIT_MS) continue;
      const name = sts.metadata?.name;
      const list = (xs: typeof ordinals) => xs.map((o) => o.source.claim.metadata?.name).join(', ');
      findings.push(
        setFinding(sts, {
          related: covered.map((o) => ({ kind: 'VolumeSnapshot', namespace: sts.metadata?.namespace, name: o.newest!.metadata?.name ?? '' })),
          message:
            missing.length > 0
              ? `${covered.length} of ${ordinals.length} claims of statefulset ${name} have a ready snapshot; ${list(missing)} ${missing.length === 1 ? 'has' : 'have'} none`
              : `the newest snapshots of statefulset ${name}'s claims were taken ${formatDuration(spread)} apart`,
          evidence: [
            ...covered.map(
              (o) => `${o.source.claim.metadata?.name}: ${o.newest!.metadata?.name}, taken ${formatDuration(Math.max(0, snapshot.now - o.takenAt!))} ago`,
            ),
            ...(missing.length > 0 && covered.length > 1 ? [`taken ${formatDuration(spread)} apart`] : []),
          ],
        }),
      );
    }
    return findings;
  },
});
