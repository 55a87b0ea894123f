import { defineCheck, type FindingDraft } from './check.js';
import { setFinding } from './helpers.js';

export const stsBeingDeleted = defineCheck({
  id: 'sts-being-deleted',
  code: 'STS-012',
  severity: 'info',
  title: 'The StatefulSet is being deleted',
  rationale:
    'A StatefulSet with a deletionTimestamp is waiting for its finalizers: "orphan" while the garbage collector removes ownerReferences from its pods and claims (an orphaning delete, as generate-template --apply does), "foregroundDeletion" while its pods are deleted first. Its controller creates no pods meanwhile, and no repair should touch it.',
  remediation:
    'Wait for the delete to finish; if it hangs, look at the finalizers in the evidence and at the garbage collector (kube-controller-manager logs).',
  needs: ['statefulsets'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      if (!sts.metadata?.deletionTimestamp) continue;
      const finalizers = sts.metadata.finalizers ?? [];
      findings.push(
        setFinding(sts, {
          related: [],
          message: `statefulset ${sts.metadata.name} is being deleted${finalizers.length ? ` (finalizers: ${finalizers.join(', ')})` : ''}`,
          evidence: [`deletionTimestamp: ${String(sts.metadata.deletionTimestamp)}`],
        }),
      );
    }
    return findings;
  },
});
