import { defineCheck, type FindingDraft } from './check.js';
import { claimRefText, quoteEvents, volumeFinding } from './helpers.js';

export const pvFailed = defineCheck({
  id: 'pv-failed',
  code: 'PV-003',
  severity: 'error',
  title: 'Failed: automatic reclamation failed',
  rationale:
    'The PV controller sets phase Failed, with the error in status.message, when deleting (VolumeFailedDelete) or recycling (VolumeFailedRecycle) a released volume fails, or when the reclaim policy is unknown. For Delete it keeps retrying; the storage asset may still exist.',
  remediation:
    'Read status.message and the events; fix the provisioner or the storage backend, or change persistentVolumeReclaimPolicy to Retain and handle the asset by hand.',
  needs: ['persistentvolumes'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const volume of snapshot.volumes) {
      if (volume.status?.phase !== 'Failed' || !snapshot.volumeInScope(volume)) continue;
      const events = snapshot.has('events')
        ? snapshot.eventsFor('PersistentVolume', volume, ['VolumeFailedDelete', 'VolumeFailedRecycle', 'VolumeUnknownReclaimPolicy'])
        : [];
      findings.push(
        volumeFinding(snapshot, volume, {
          related: [],
          message: `PV ${volume.metadata?.name} is Failed: ${volume.status?.message || 'no status.message'}`,
          evidence: [`reclaim policy: ${volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain'}`, claimRefText(volume), ...quoteEvents(snapshot, events, 2)],
        }),
      );
    }
    return findings;
  },
});
