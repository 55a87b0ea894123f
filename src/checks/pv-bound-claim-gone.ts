import { defineCheck, type FindingDraft } from './check.js';
import { claimRefText, volumeFinding } from './helpers.js';

export const pvBoundClaimGone = defineCheck({
  id: 'pv-bound-claim-gone',
  code: 'PV-005',
  severity: 'warning',
  title: 'Bound, but its claim no longer exists',
  rationale:
    'The binder moves a PV whose claim was deleted to Released on its next sync. A PV that stays Bound to a missing claim means the persistentvolume-binder controller is not running or cannot update it, so nothing reclaims or releases it.',
  remediation: 'Check that kube-controller-manager runs with the persistentvolume-binder controller; once it syncs, the PV becomes Released (then see PV-001).',
  needs: ['persistentvolumes', 'persistentvolumeclaims'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const volume of snapshot.volumes) {
      if (volume.status?.phase !== 'Bound' || !snapshot.volumeInScope(volume)) continue;
      const ref = volume.spec?.claimRef;
      if (!ref?.uid || !ref.name) continue;
      const claim = snapshot.claim(ref.namespace, ref.name);
      if (claim && claim.metadata?.uid === ref.uid) continue;
      findings.push(
        volumeFinding(snapshot, volume, {
          related: [{ kind: 'PersistentVolumeClaim', namespace: ref.namespace, name: ref.name }],
          message: claim
            ? `PV ${volume.metadata?.name} is Bound to claim ${ref.namespace}/${ref.name} uid ${ref.uid}, but that claim was recreated with uid ${claim.metadata?.uid}`
            : `PV ${volume.metadata?.name} is Bound to claim ${ref.namespace}/${ref.name}, which no longer exists`,
          evidence: [claimRefText(volume)],
        }),
      );
    }
    return findings;
  },
});
