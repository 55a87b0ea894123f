import { defineCheck, type FindingDraft } from './check.js';
import { claimRefText, volumeFinding } from './helpers.js';

export const pvBeingDeleted = defineCheck({
  id: 'pv-being-deleted',
  code: 'PV-007',
  severity: 'warning',
  title: 'The PV is being deleted while a claim still holds it',
  rationale:
    'Deleting a bound PV only sets its deletionTimestamp: the pv-protection controller keeps the kubernetes.io/pv-protection finalizer while a claim is bound to it. The binder no longer gives it to new claims (FindMatchingVolume skips volumes being deleted), and once the claim goes, the PV object goes too, whatever its reclaim policy says about the storage behind it.',
  remediation:
    'If the delete was a mistake, keep the claim: the PV object cannot be un-deleted, but while it is bound the data stays reachable; copy it to new storage, or recreate the PV object (same source, claimRef to the claim) after it is gone.',
  needs: ['persistentvolumes'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const volume of snapshot.volumes) {
      if (!volume.metadata?.deletionTimestamp || !snapshot.volumeInScope(volume)) continue;
      const ref = volume.spec?.claimRef;
      const finalizers = volume.metadata.finalizers ?? [];
      findings.push(
        volumeFinding(snapshot, volume, {
          related: ref?.name ? [{ kind: 'PersistentVolumeClaim', namespace: ref.namespace, name: ref.name }] : [],
          message: `PV ${volume.metadata.name} is being deleted${ref?.name ? ` while ${volume.status?.phase === 'Bound' ? 'bound' : 'reserved'} to claim ${ref.namespace}/${ref.name}` : ''}${finalizers.length ? ` (${finalizers.join(', ')})` : ''}`,
          evidence: [
            `deletionTimestamp: ${String(volume.metadata.deletionTimestamp)}`,
            claimRefText(volume),
            `reclaim policy: ${volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain'}`,
          ],
        }),
      );
    }
    return findings;
  },
});
