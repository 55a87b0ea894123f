import { defineCheck, type FindingDraft } from './check.js';
import { claimFinding, quoteEvents } from './helpers.js';
import { effectiveClass, pendingCause } from '../analysis/claim-analysis.js';

export const pvcPendingClassMissing = defineCheck({
  id: 'pvc-pending-class-missing',
  code: 'PVC-002',
  severity: 'error',
  title: 'Pending because its StorageClass does not exist',
  rationale:
    'A claim that names a StorageClass can only bind a PV of that class or be provisioned by it. When the class does not exist the PV controller reports ProvisioningFailed (storageclass.storage.k8s.io "NAME" not found) on every sync. A claim\'s storageClassName cannot be changed once set.',
  remediation:
    'Create the StorageClass (its provisioner then provisions the claim), or pre-create a PV with that storageClassName; to use another class, recreate the claim (and, for a StatefulSet, the template with `kubectl sts-storage generate-template STS --storage-class SC --apply`).',
  needs: ['persistentvolumeclaims', 'storageclasses'],
  followsFrom: { codes: ['STS-006'], on: 'statefulset' },
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const claim of snapshot.claims) {
      if (pendingCause(snapshot, claim) !== 'class-missing') continue;
      const cls = effectiveClass(snapshot, claim);
      findings.push(
        claimFinding(snapshot, claim, {
          related: [{ kind: 'StorageClass', name: cls.name }],
          message: `claim ${claim.metadata?.name} is Pending: StorageClass ${cls.name} does not exist`,
          evidence: [
            ...quoteEvents(snapshot, snapshot.eventsFor('PersistentVolumeClaim', claim, ['ProvisioningFailed']), 1),
            `storage classes: [${snapshot.storageClasses.map((s) => s.metadata?.name).join(', ')}]`,
          ],
        }),
      );
    }
    return findings;
  },
});
