import { defineCheck, type FindingDraft } from './check.js';
import { refOf } from '../kube/types.js';

export const vsContentOrphaned = defineCheck({
  id: 'vs-content-orphaned',
  code: 'VS-003',
  severity: 'info',
  title: 'A VolumeSnapshotContent outlived its VolumeSnapshot: a retained backend snapshot',
  rationale:
    "With deletionPolicy Retain, deleting a VolumeSnapshot keeps its VolumeSnapshotContent and the backend snapshot (billed storage). The content cannot be bound again: its volumeSnapshotRef keeps the old snapshot's uid (external-snapshotter#274), so nothing in the cluster can restore from it until a new pre-provisioned content names the same snapshotHandle. It is either data someone meant to keep or a leak.",
  remediation:
    'To restore from it, create a new VolumeSnapshotContent with source.snapshotHandle set to the handle in the evidence, deletionPolicy Retain and a volumeSnapshotRef to a new VolumeSnapshot, then that VolumeSnapshot. If nobody needs it, delete the content and then the backend snapshot by hand: this tool never deletes a snapshot.',
  needs: ['volumesnapshotcontents', 'volumesnapshots'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const content of snapshot.volumeSnapshotContents) {
      const ref = content.spec?.volumeSnapshotRef;
      if (!ref?.name || !ref.namespace || content.metadata?.deletionTimestamp) continue;
      // Only a namespace that was read can say its snapshot is gone.
      if (!snapshot.coversNamespace(ref.namespace)) continue;
      const vs = snapshot.volumeSnapshot(ref.namespace, ref.name);
      if (vs && (!ref.uid || vs.metadata?.uid === ref.uid)) continue;
      const handle = content.status?.snapshotHandle ?? content.spec?.source?.snapshotHandle;
      findings.push({
        object: refOf('VolumeSnapshotContent', content),
        related: [],
        message: vs
          ? `VolumeSnapshotContent ${content.metadata?.name} belonged to an earlier VolumeSnapshot ${ref.namespace}/${ref.name} (uid ${ref.uid}); the one of that name now is another`
          : `VolumeSnapshotContent ${content.metadata?.name} keeps the backend snapshot of VolumeSnapshot ${ref.namespace}/${ref.name}, which is gone`,
        evidence: [
          `deletionPolicy: ${content.spec?.deletionPolicy ?? '(unset)'}; driver: ${content.spec?.driver ?? '(unset)'}`,
          `snapshotHandle: ${handle ?? '(none yet)'}`,
          ...(content.spec?.source?.volumeHandle ? [`taken of volume ${content.spec.source.volumeHandle}`] : []),
        ],
      });
    }
    return findings;
  },
});
