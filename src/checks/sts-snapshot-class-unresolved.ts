import { defineCheck, type FindingDraft } from './check.js';
import { setFinding } from './helpers.js';
import { classesByDriver } from '../analysis/set-snapshots.js';
import { isDefaultSnapshotClass } from '../kube/volume-snapshot.js';

export const stsSnapshotClassUnresolved = defineCheck({
  id: 'sts-snapshot-class-unresolved',
  code: 'STS-022',
  severity: 'warning',
  title: "No VolumeSnapshotClass resolves for the CSI driver of a set's volumes",
  rationale:
    'A VolumeSnapshot that names no class gets the one default class (annotation snapshot.storage.kubernetes.io/is-default-class: "true") whose driver is the volume\'s CSI driver. With none the snapshot-controller fails it ("cannot find default snapshot class"), with several it refuses to choose ("2 default snapshot classes were found"): the snapshot a user takes before a risky repair never becomes ready. Reported as info when the cluster has classes for other drivers but none for this one, and not at all in a cluster with no class (it does not take snapshots).',
  remediation:
    'Create a VolumeSnapshotClass for the driver, or mark exactly one of its classes as default (remove the annotation from the others); `kubectl sts-storage snapshot STS --class NAME` can also name one.',
  needs: ['statefulsets', 'persistentvolumeclaims', 'persistentvolumes', 'volumesnapshotclasses'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      for (const [driver, resolution] of classesByDriver(snapshot, sts)) {
        if (resolution.ok) continue;
        // A cluster with no class at all does not take snapshots: saying so for every set is noise. `snapshot` refuses with the reason.
        if (snapshot.volumeSnapshotClasses.length === 0) continue;
        const ofDriver = snapshot.volumeSnapshotClasses.filter((c) => c.driver === driver);
        findings.push(
          setFinding(sts, {
            severity: ofDriver.length === 0 ? 'info' : undefined,
            related: ofDriver.map((c) => ({ kind: 'VolumeSnapshotClass', name: c.metadata?.name ?? '' })),
            message: `a snapshot of statefulset ${sts.metadata?.name}'s volumes (driver ${driver}) gets no class: ${resolution.reason}`,
            evidence: [
              `VolumeSnapshotClasses: ${snapshot.volumeSnapshotClasses.map((c) => `${c.metadata?.name} (${c.driver}${isDefaultSnapshotClass(c) ? ', default' : ''})`).join(', ') || 'none'}`,
            ],
          }),
        );
      }
    }
    return findings;
  },
});
