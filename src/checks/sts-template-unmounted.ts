import { defineCheck, type FindingDraft } from './check.js';
import { setFinding } from './helpers.js';
import { mountsOf, templateNames } from '../kube/statefulset.js';

export const stsTemplateUnmounted = defineCheck({
  id: 'sts-template-unmounted',
  code: 'STS-002',
  severity: 'warning',
  title: 'A volumeClaimTemplate that no container mounts',
  rationale:
    'The controller still creates a claim per ordinal for every template, so storage is provisioned and paid for but never used. It usually means a mount was given another name than the template (often together with STS-001).',
  remediation:
    'Mount the template in the container that needs it (`kubectl sts-storage fix-mounts STS --rename MOUNT=TEMPLATE` when a mount names it wrongly); remove an unwanted template only by recreating the StatefulSet, since templates are immutable.',
  needs: ['statefulsets'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      const mounted = new Set(mountsOf(sts.spec?.template?.spec).map((m) => m.name));
      for (const t of templateNames(sts)) {
        if (mounted.has(t)) continue;
        findings.push(
          setFinding(sts, {
            related: [],
            message: `volumeClaimTemplate "${t}" of statefulset ${sts.metadata?.name} is not mounted by any container`,
            evidence: [`mounts: [${[...mounted].join(', ')}]`],
          }),
        );
      }
    }
    return findings;
  },
});
