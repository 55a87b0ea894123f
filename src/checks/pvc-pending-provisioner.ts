import { defineCheck, type FindingDraft } from './check.js';
import { ageOf, claimFinding, quoteEvents } from './helpers.js';
import { canProvision, effectiveClass, isDelayBinding, pendingCause } from '../analysis/claim-analysis.js';
import { ANN_SELECTED_NODE } from '../kube/binding.js';
import { formatDuration } from '../kube/time.js';

export const pvcPendingProvisioner = defineCheck({
  id: 'pvc-pending-provisioner',
  code: 'PVC-005',
  severity: 'warning',
  title: 'Pending, waiting for a provisioner longer than the threshold',
  rationale:
    'For a class whose provisioner is not in-tree, the PV controller only annotates the claim and records ExternalProvisioning ("Waiting for a volume to be created either by the external provisioner ...") and waits for that provisioner to create a PV. If the provisioner is not running, not registered under that name, or failing (ProvisioningFailed), the claim waits for ever.',
  remediation:
    'Check that the provisioner named in the evidence runs and is registered under exactly that name, and read its ProvisioningFailed events; the threshold is --pending-threshold (default 5m).',
  needs: ['persistentvolumeclaims', 'storageclasses', 'events'],
  // A restore whose snapshot cannot be used waits for the provisioner too; PVC-015 says why.
  followsFrom: { codes: ['PVC-015'], on: 'same' },
  find(snapshot, options) {
    const findings: FindingDraft[] = [];
    for (const claim of snapshot.claims) {
      if (claim.status?.phase !== 'Pending' || claim.spec?.volumeName) continue;
      if (snapshot.has('persistentvolumes') && pendingCause(snapshot, claim)) continue;
      const cls = effectiveClass(snapshot, claim);
      if (!canProvision(cls)) continue;
      // Under WaitForFirstConsumer provisioning starts only once the scheduler picked a node.
      if (isDelayBinding(cls) && !claim.metadata?.annotations?.[ANN_SELECTED_NODE]) continue;
      const age = ageOf(snapshot, claim);
      if (age === undefined || age < options.pendingThresholdMs) continue;
      const provisioner = cls.storageClass?.provisioner ?? '';
      const events = snapshot.eventsFor('PersistentVolumeClaim', claim, ['ProvisioningFailed', 'ExternalProvisioning', 'Provisioning']);
      findings.push(
        claimFinding(snapshot, claim, {
          related: [{ kind: 'StorageClass', name: cls.name }],
          message: `claim ${claim.metadata?.name} has waited ${formatDuration(age)} for provisioner ${provisioner} (StorageClass ${cls.name}${cls.defaulted ? ', the default' : ''})`,
          evidence: [
            ...quoteEvents(snapshot, events, 2),
            ...(events.length === 0 ? ['no provisioning event recorded'] : []),
            `threshold: ${formatDuration(options.pendingThresholdMs)}`,
          ],
        }),
      );
    }
    return findings;
  },
});
