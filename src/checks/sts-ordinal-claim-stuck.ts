import { defineCheck, type FindingDraft } from './check.js';
import { ageOf, setFinding } from './helpers.js';
import { ordinalClaims } from '../kube/statefulset.js';
import { pendingCause } from '../analysis/claim-analysis.js';
import { formatDuration } from '../kube/time.js';

export const stsOrdinalClaimStuck = defineCheck({
  id: 'sts-ordinal-claim-stuck',
  code: 'STS-008',
  severity: 'error',
  title: 'The claim of an ordinal in range is Pending or Lost',
  rationale:
    'The pod of ordinal N mounts the claim <template>-<statefulset>-<N>; while that claim is Pending the pod cannot be scheduled, and a Lost claim has lost its data. The claim finding named in the evidence gives the cause.',
  remediation: 'Repair the claim finding this one points to (PVC-001 to PVC-007); its repair command is repeated here.',
  needs: ['statefulsets', 'persistentvolumeclaims'],
  followsFrom: { codes: ['PVC-001', 'PVC-002', 'PVC-003', 'PVC-004', 'PVC-005', 'PVC-007'], on: 'related' },
  find(snapshot, options) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      const ns = sts.metadata?.namespace;
      if (!snapshot.coversNamespace(ns)) continue;
      for (const { ordinal, templateName: template, claimName: name } of ordinalClaims(sts)) {
        const claim = snapshot.claim(ns, name);
        const phase = claim?.status?.phase;
        if (!claim || (phase !== 'Pending' && phase !== 'Lost')) continue;
        const age = ageOf(snapshot, claim) ?? Infinity;
        // A claim a few seconds old is normally just being bound or provisioned.
        if (phase === 'Pending' && age < options.pendingThresholdMs && !pendingCause(snapshot, claim)) continue;
        findings.push(
          setFinding(sts, {
            related: [{ kind: 'PersistentVolumeClaim', namespace: ns, name }],
            message: `claim ${name} of ordinal ${ordinal} (template "${template}") of statefulset ${sts.metadata?.name} is ${phase}${age !== Infinity ? ` for ${formatDuration(age)}` : ''}`,
            evidence: [],
          }),
        );
      }
    }
    return findings;
  },
});
