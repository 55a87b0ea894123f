import { defineCheck, type FindingDraft } from './check.js';
import { claimFinding } from './helpers.js';
import { claimClass } from '../kube/binding.js';
import { allowsExpansion, expansionState } from '../kube/expansion.js';
import { formatBytes } from '../kube/quantity.js';

export const pvcExpansionNotAllowed = defineCheck({
  id: 'pvc-expansion-not-allowed',
  code: 'PVC-011',
  severity: 'error',
  title: 'A claim asks for more than it has, in a class that does not allow expansion',
  rationale:
    'The PersistentVolumeClaimResize admission plugin lets a claim grow only when its StorageClass exists and sets allowVolumeExpansion: true, and the volume-expand controller acts only on such claims. A claim that asks for more than its status.capacity while its class does not (the flag was turned off after the request grew, or the class is gone) is never expanded, and cannot be asked to grow again until the class allows it.',
  remediation:
    'If the driver supports expansion, set `allowVolumeExpansion: true` on the StorageClass (the only StorageClass field that can change); otherwise lower the request with `kubectl sts-storage recover-expansion CLAIM --to SIZE` (more than status.capacity) and move the data to a larger claim.',
  needs: ['persistentvolumeclaims', 'storageclasses'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const claim of snapshot.claims) {
      const state = expansionState(claim);
      if (state.request === undefined || state.capacity === undefined || state.request <= state.capacity) continue;
      const className = claimClass(claim);
      const sc = snapshot.storageClass(className);
      if (allowsExpansion(sc)) continue;
      const why =
        className === ''
          ? 'it has no StorageClass (a static PV), and only a class that allows expansion can grow a claim'
          : !sc
            ? `its StorageClass ${className} does not exist`
            : `StorageClass ${className} does not allow expansion (allowVolumeExpansion ${sc.allowVolumeExpansion === false ? 'false' : 'unset'})`;
      findings.push(
        claimFinding(snapshot, claim, {
          related: sc ? [{ kind: 'StorageClass', name: className }] : [],
          message: `claim ${claim.metadata?.name} asks for ${formatBytes(state.request)} and has ${formatBytes(state.capacity)}, but ${why}: no controller will grow it`,
          evidence: [
            `spec.resources.requests.storage: ${claim.spec?.resources?.requests?.['storage']}, status.capacity.storage: ${claim.status?.capacity?.['storage']}`,
          ],
        }),
      );
    }
    return findings;
  },
});
