import { defineCheck, type FindingDraft } from './check.js';
import { claimFinding } from './helpers.js';

const PVC_PROTECTION = 'kubernetes.io/pvc-protection';

export const pvcBeingDeleted = defineCheck({
  id: 'pvc-being-deleted',
  code: 'PVC-008',
  severity: 'warning',
  title: 'The claim is being deleted, held by pods that still use it',
  rationale:
    'Deleting a claim that a pod uses only sets its deletionTimestamp: the pvc-protection controller keeps the kubernetes.io/pvc-protection finalizer until no pod uses it. Meanwhile the StatefulSet controller cannot recreate the claim ("pvc ... is being deleted") and a recreated pod cannot start; once the pods are gone the claim disappears and, with Retain, its PV becomes Released.',
  remediation:
    "If the delete was a mistake the claim cannot be saved, but its data can: set the PV's reclaim policy to Retain now, then after the claim is gone give the PV back with `kubectl sts-storage fix-claimref PV`.",
  needs: ['persistentvolumeclaims', 'pods'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const claim of snapshot.claims) {
      if (!claim.metadata?.deletionTimestamp) continue;
      const users = snapshot.podsUsingClaim(claim).map((p) => p.metadata?.name ?? '');
      const finalizers = claim.metadata.finalizers ?? [];
      findings.push(
        claimFinding(snapshot, claim, {
          related: [
            ...users.map((name) => ({ kind: 'Pod', namespace: claim.metadata?.namespace, name })),
            ...(claim.spec?.volumeName ? [{ kind: 'PersistentVolume', name: claim.spec.volumeName }] : []),
          ],
          message: `claim ${claim.metadata.name} is being deleted${users.length ? `; pod${users.length > 1 ? 's' : ''} ${users.join(', ')} still use${users.length > 1 ? '' : 's'} it` : ''}${finalizers.includes(PVC_PROTECTION) ? ` (${PVC_PROTECTION})` : ''}`,
          evidence: [
            `deletionTimestamp: ${String(claim.metadata.deletionTimestamp)}`,
            `finalizers: [${finalizers.join(', ')}]`,
            ...(claim.spec?.volumeName ? [`volume: ${claim.spec.volumeName}`] : []),
          ],
        }),
      );
    }
    return findings;
  },
});
