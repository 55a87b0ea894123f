import { defineCheck, type FindingDraft } from './check.js';
import { snapshotFinding } from './helpers.js';
import { dataSourceOf, FINALIZER_PROVISIONER_SOURCE, FINALIZER_SOURCE_PROTECTION, isSnapshotSource } from '../kube/volume-snapshot.js';
import { formatDuration, timeOf } from '../kube/time.js';

export const vsDeletionBlocked = defineCheck({
  id: 'vs-deletion-blocked',
  code: 'VS-002',
  severity: 'warning',
  title: 'A VolumeSnapshot is stuck being deleted behind a Pending claim that restores from it',
  rationale:
    'The snapshot-controller keeps its finalizer snapshot.storage.kubernetes.io/volumesnapshot-as-source-protection on a VolumeSnapshot while any Pending claim of its namespace names it as dataSource (event SnapshotDeletePending: "Snapshot is being used to restore a PVC"). A claim that can never be provisioned therefore holds the snapshot in Terminating for ever, and with it the backend snapshot.',
  remediation:
    'The restore can no longer happen (the provisioner refuses a snapshot being deleted: "snapshot ... is being deleted"). Delete the Pending claim, which holds no data yet, and the snapshot finishes deleting; to restore, use another snapshot of the same data.',
  needs: ['volumesnapshots', 'persistentvolumeclaims'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    const restoring = new Map<string, string[]>();
    for (const claim of snapshot.claims) {
      if (claim.status?.phase !== 'Pending') continue;
      const source = dataSourceOf(claim);
      if (!isSnapshotSource(source) || (source.namespace && source.namespace !== claim.metadata?.namespace)) continue;
      const key = `${claim.metadata?.namespace}/${source.name}`;
      restoring.set(key, [...(restoring.get(key) ?? []), claim.metadata?.name ?? '']);
    }
    for (const vs of snapshot.volumeSnapshots) {
      const deleting = timeOf(vs.metadata?.deletionTimestamp);
      if (deleting === undefined) continue;
      const claims = restoring.get(`${vs.metadata?.namespace}/${vs.metadata?.name}`);
      const finalizers = (vs.metadata?.finalizers ?? []).filter((f) => f === FINALIZER_SOURCE_PROTECTION || f === FINALIZER_PROVISIONER_SOURCE);
      if (!claims || finalizers.length === 0) continue;
      findings.push(
        snapshotFinding(snapshot, vs, {
          related: claims.map((name) => ({ kind: 'PersistentVolumeClaim', namespace: vs.metadata?.namespace, name })),
          message: `VolumeSnapshot ${vs.metadata?.name} has been deleting for ${formatDuration(Math.max(0, snapshot.now - deleting))}, held by Pending claim(s) ${claims.join(', ')} restoring from it`,
          evidence: [`finalizers: ${finalizers.join(', ')}`],
        }),
      );
    }
    return findings;
  },
});
