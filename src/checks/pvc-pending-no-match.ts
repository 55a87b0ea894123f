import { defineCheck, type FindingDraft } from './check.js';
import { claimFinding, quoteEvents } from './helpers.js';
import { effectiveClass, matchVolumes, pendingCause } from '../analysis/claim-analysis.js';
import { formatBytes } from '../kube/quantity.js';
import { requestOf } from '../kube/binding.js';

export const pvcPendingNoMatch = defineCheck({
  id: 'pvc-pending-no-match',
  code: 'PVC-001',
  severity: 'error',
  title: 'Pending: no PV can match and no StorageClass will provision',
  rationale:
    'syncUnboundClaim looks for the smallest Available PV whose access modes include the claim\'s, whose capacity covers the request, with the same volumeMode, storageClassName and matching labels, and not reserved for another claim. When none qualifies and the claim\'s class cannot provision (no class, or kubernetes.io/no-provisioner), the claim stays Pending for ever ("no persistent volumes available for this claim and no storage class is set").',
  remediation:
    'Create a PV that fits (the evidence lists every near miss and why it fails), resize or relabel a near miss, or give the claim a provisioning StorageClass by recreating it; `kubectl sts-storage prebind PV --claim NS/NAME` reserves a chosen PV for it.',
  needs: ['persistentvolumeclaims', 'persistentvolumes', 'storageclasses'],
  followsFrom: { codes: ['STS-006'], on: 'statefulset' },
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const claim of snapshot.claims) {
      if (pendingCause(snapshot, claim) !== 'no-match') continue;
      const cls = effectiveClass(snapshot, claim);
      const { nearMisses } = matchVolumes(snapshot, claim);
      const shown = nearMisses.slice(0, 5);
      const evidence = [
        ...quoteEvents(snapshot, snapshot.eventsFor('PersistentVolumeClaim', claim, ['FailedBinding']), 1),
        ...shown.map((n) => `near miss PV ${n.volume.metadata?.name}: ${n.reasons.join('; ')}`),
      ];
      if (nearMisses.length > shown.length) evidence.push(`${nearMisses.length - shown.length} more PVs do not match`);
      if (nearMisses.length === 0) evidence.push('no free PV exists at all');
      const why = cls.name === '' ? 'no StorageClass is set' : `StorageClass ${cls.name} does not provision (${cls.storageClass?.provisioner})`;
      findings.push(
        claimFinding(snapshot, claim, {
          related: shown.map((n) => ({ kind: 'PersistentVolume', name: n.volume.metadata?.name ?? '' })),
          message: `claim ${claim.metadata?.name} is Pending: no PV matches (request ${formatBytes(requestOf(claim.spec))}, ${(claim.spec?.accessModes ?? []).join(',')}, class "${cls.name}") and ${why}`,
          evidence,
        }),
      );
    }
    return findings;
  },
});
