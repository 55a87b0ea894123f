import { defineCheck, type FindingDraft } from './check.js';
import { setExposure } from '../analysis/deletion-paths.js';
import { anyDataDeleted, claimEvidence, claimNames, commands, setFinding, volumesLost } from './helpers.js';

export const stsDeletionDeletesClaims = defineCheck({
  id: 'sts-deletion-deletes-claims',
  code: 'STS-014',
  severity: 'warning',
  title: 'Deleting the StatefulSet deletes its claims',
  rationale:
    'With persistentVolumeClaimRetentionPolicy.whenDeleted: Delete the StatefulSet controller puts a controller reference to the set on the claims of its ordinals, so the garbage collector deletes them when the set is deleted, and a PV with reclaimPolicy Delete goes with its claim. Re-creating a set (to change an immutable field, to move it between tools) with a plain `kubectl delete` then loses the data. An orphaning delete (`--cascade=orphan`) keeps them: the garbage collector removes the references instead. The finding is a warning when a PV would be deleted, information when every PV is Retain.',
  remediation:
    'Set whenDeleted to Retain with `kubectl sts-storage protect STS --retention` (the controller then removes its references from the claims), or delete the set only with `--cascade=orphan`.',
  needs: ['statefulsets', 'persistentvolumeclaims', 'persistentvolumes', 'storageclasses'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      const exposure = setExposure(snapshot, sts);
      if (exposure.whenDeleted !== 'Delete') continue;
      const lost = exposure.claims.filter((c) => c.bySetDeletion);
      if (lost.length === 0) continue;
      findings.push(
        setFinding(sts, {
          severity: anyDataDeleted(lost) ? undefined : 'info',
          related: lost.map((c) => ({ kind: 'PersistentVolumeClaim', namespace: sts.metadata?.namespace, name: c.claim.metadata?.name ?? '' })),
          message: `deleting statefulset ${sts.metadata?.name} deletes ${claimNames(lost)} (whenDeleted: Delete)${volumesLost(lost)}`,
          evidence: [
            `persistentVolumeClaimRetentionPolicy: whenScaled: ${exposure.whenScaled}, whenDeleted: Delete`,
            `kubectl delete statefulset ${sts.metadata?.name} --cascade=orphan keeps the claims`,
            ...claimEvidence(lost),
          ],
          fix: { command: commands.protect(sts, ' --retention'), description: 'set the retention policy and the PVs to Retain' },
        }),
      );
    }
    return findings;
  },
});
