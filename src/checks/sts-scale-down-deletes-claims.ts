import { defineCheck, type FindingDraft } from './check.js';
import { claimsDeletedByScaleDown, scaleDownTarget, setExposure } from '../analysis/deletion-paths.js';
import { replicasOf } from '../kube/statefulset.js';
import { anyDataDeleted, claimEvidence, claimNames, commands, setFinding, volumesLost } from './helpers.js';

export const stsScaleDownDeletesClaims = defineCheck({
  id: 'sts-scale-down-deletes-claims',
  code: 'STS-013',
  severity: 'warning',
  title: 'A scale-down deletes the claims of the ordinals it removes',
  rationale:
    'With persistentVolumeClaimRetentionPolicy.whenScaled: Delete the StatefulSet controller makes each condemned pod the owner of its claims just before it deletes the pod, and the garbage collector then deletes the claims (updateClaimOwnerRefForSetAndPod). A PV with reclaimPolicy Delete goes with its claim, so a routine scale-down destroys data; with Retain the PV keeps the data but goes Released, and the claim a later scale-up creates does not bind it again. The finding is a warning when a PV would be deleted, information when every PV is Retain.',
  remediation:
    'Keep the claims through scale-downs: `kubectl sts-storage protect STS --retention` sets whenScaled and whenDeleted to Retain and every PV of the set to reclaimPolicy Retain (undo restores both). Scale down only after backing the data up if the policy must stay.',
  needs: ['statefulsets', 'persistentvolumeclaims', 'persistentvolumes', 'storageclasses'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      const exposure = setExposure(snapshot, sts);
      if (exposure.whenScaled !== 'Delete') continue;
      const replicas = replicasOf(sts);
      const target = scaleDownTarget(replicas);
      const lost = claimsDeletedByScaleDown(exposure, target);
      if (lost.length === 0) continue;
      findings.push(
        setFinding(sts, {
          severity: anyDataDeleted(lost) ? undefined : 'info',
          related: lost.map((c) => ({ kind: 'PersistentVolumeClaim', namespace: sts.metadata?.namespace, name: c.claim.metadata?.name ?? '' })),
          message: `scaling ${sts.metadata?.name} from ${replicas} to ${target} deletes ${claimNames(lost)} (whenScaled: Delete)${volumesLost(lost)}`,
          evidence: [
            `persistentVolumeClaimRetentionPolicy: whenScaled: Delete, whenDeleted: ${exposure.whenDeleted}`,
            'every scale-down deletes the claims of the ordinals it removes; a scale-down to 0 deletes them all',
            ...claimEvidence(lost),
          ],
          fix: { command: commands.protect(sts, ' --retention'), description: 'set the retention policy and the PVs to Retain' },
        }),
      );
    }
    return findings;
  },
});
