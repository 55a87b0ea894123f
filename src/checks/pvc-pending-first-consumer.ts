import { defineCheck, type FindingDraft } from './check.js';
import { claimFinding, quoteEvents } from './helpers.js';
import { effectiveClass, isDelayBinding, pendingCause } from '../analysis/claim-analysis.js';
import { ANN_SELECTED_NODE } from '../kube/binding.js';

export const pvcPendingFirstConsumer = defineCheck({
  id: 'pvc-pending-first-consumer',
  code: 'PVC-006',
  severity: 'info',
  title: 'Pending under WaitForFirstConsumer',
  rationale:
    "A class with volumeBindingMode WaitForFirstConsumer leaves its claims Pending until a pod using them is scheduled; the scheduler then picks a PV or asks the provisioner for one on that node (WaitForFirstConsumer / WaitForPodScheduled events). That is normal while no pod uses the claim (info), but a consumer the scheduler cannot place keeps the claim Pending for ever (warning, with the scheduler's FailedScheduling message).",
  remediation:
    "Nothing to do while no pod uses the claim. For an unschedulable consumer, read the scheduler's message in the evidence: node affinity of the PVs, node selectors and taints, or storage capacity.",
  needs: ['persistentvolumeclaims', 'storageclasses', 'pods', 'events'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const claim of snapshot.claims) {
      if (claim.status?.phase !== 'Pending') continue;
      // A definite cause other than "no PV matches" is that code's finding, not this one.
      const cause = snapshot.has('persistentvolumes') ? pendingCause(snapshot, claim) : undefined;
      if (cause && cause !== 'no-match') continue;
      const cls = effectiveClass(snapshot, claim);
      if (!isDelayBinding(cls) || claim.metadata?.annotations?.[ANN_SELECTED_NODE]) continue;
      const consumers = snapshot.podsUsingClaim(claim).filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
      const claimEvents = quoteEvents(snapshot, snapshot.eventsFor('PersistentVolumeClaim', claim, ['WaitForFirstConsumer', 'WaitForPodScheduled']), 1);
      const unscheduled = consumers.filter((p) => !p.spec?.nodeName);
      const schedulerEvents = unscheduled.flatMap((p) => snapshot.eventsFor('Pod', p, ['FailedScheduling']).slice(0, 1));
      if (consumers.length === 0) {
        findings.push(
          claimFinding(snapshot, claim, {
            related: [{ kind: 'StorageClass', name: cls.name }],
            message: `claim ${claim.metadata?.name} waits for a first consumer (StorageClass ${cls.name} is WaitForFirstConsumer) and no pod uses it yet`,
            evidence: claimEvents,
          }),
        );
      } else if (schedulerEvents.length > 0) {
        const pod = schedulerEvents[0]!.involvedObject.name;
        findings.push(
          claimFinding(snapshot, claim, {
            severity: 'warning',
            related: unscheduled.map((p) => ({ kind: 'Pod', namespace: p.metadata?.namespace, name: p.metadata?.name ?? '' })),
            message: `claim ${claim.metadata?.name} waits for its consumer pod ${pod}, which cannot be scheduled: ${schedulerEvents[0]!.message ?? ''}`,
            evidence: [...quoteEvents(snapshot, schedulerEvents, 3).map((q) => `pod ${q}`), ...claimEvents],
          }),
        );
      }
    }
    return findings;
  },
});
