import { defineCheck, type FindingDraft } from './check.js';
import { ageOf, quoteEvents, snapshotFinding } from './helpers.js';
import { formatDuration } from '../kube/time.js';

export const vsNotReady = defineCheck({
  id: 'vs-not-ready',
  code: 'VS-001',
  severity: 'warning',
  title: 'A VolumeSnapshot is not ready to use: no snapshot-controller, or the snapshot failed',
  rationale:
    "The snapshot-controller gives every VolumeSnapshot a status as soon as it sees it (a content to bind, then readyToUse from the CSI sidecar). A snapshot with no status at all after minutes means no snapshot-controller is running (it is installed apart from the CRDs); one whose status carries an error failed (no default class, a source claim not Bound, a volume that is not CSI, the driver's error). Either way the data it was taken for is not protected, and a claim restoring from it stays Pending.",
  remediation:
    'No status: install or start the snapshot-controller (external-snapshotter). An error: fix what status.error says, then take a new snapshot; a failed VolumeSnapshot is not retried once its source is wrong.',
  needs: ['volumesnapshots'],
  find(snapshot, options) {
    const findings: FindingDraft[] = [];
    for (const vs of snapshot.volumeSnapshots) {
      if (vs.status?.readyToUse === true || vs.metadata?.deletionTimestamp) continue;
      const error = vs.status?.error?.message;
      const age = ageOf(snapshot, vs);
      // Cutting a snapshot takes a while; only an error or a long wait is a finding.
      if (!error && (age === undefined || age < options.pendingThresholdMs)) continue;
      const events = snapshot.has('events') ? snapshot.eventsFor('VolumeSnapshot', vs) : [];
      const name = vs.metadata?.name;
      const message = error
        ? `VolumeSnapshot ${name} failed: ${error}`
        : vs.status
          ? `VolumeSnapshot ${name} is not ready after ${formatDuration(age!)}`
          : `VolumeSnapshot ${name} has no status after ${formatDuration(age!)}: no snapshot-controller has seen it`;
      findings.push(
        snapshotFinding(snapshot, vs, {
          related: vs.spec?.source?.persistentVolumeClaimName
            ? [{ kind: 'PersistentVolumeClaim', namespace: vs.metadata?.namespace, name: vs.spec.source.persistentVolumeClaimName }]
            : [],
          message,
          evidence: [
            `source: ${vs.spec?.source?.persistentVolumeClaimName ? `claim ${vs.spec.source.persistentVolumeClaimName}` : `content ${vs.spec?.source?.volumeSnapshotContentName ?? '(none)'}`}; class: ${vs.spec?.volumeSnapshotClassName ?? '(the default)'}`,
            ...quoteEvents(snapshot, events, 2),
          ],
        }),
      );
    }
    return findings;
  },
});
