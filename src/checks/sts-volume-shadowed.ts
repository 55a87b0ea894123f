import { defineCheck, type FindingDraft } from './check.js';
import { setFinding } from './helpers.js';
import { templateNames } from '../kube/statefulset.js';

export const stsVolumeShadowed = defineCheck({
  id: 'sts-volume-shadowed',
  code: 'STS-004',
  severity: 'warning',
  title: 'A pod volume has the same name as a volumeClaimTemplate',
  rationale:
    "The controller adds one volume per template and then appends the pod template's volumes only when their name is not a template name (stateful_set_utils.go updateStorage), so the template silently wins and the pod volume is ignored.",
  remediation: 'Rename or remove the pod volume so the intent is explicit.',
  needs: ['statefulsets'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      const templates = new Set(templateNames(sts));
      for (const v of sts.spec?.template?.spec?.volumes ?? []) {
        if (!templates.has(v.name)) continue;
        const source =
          Object.keys(v)
            .filter((k) => k !== 'name')
            .join(', ') || 'no source';
        findings.push(
          setFinding(sts, {
            related: [],
            message: `volume "${v.name}" of statefulset ${sts.metadata?.name} is ignored because volumeClaimTemplate "${v.name}" has the same name`,
            evidence: [`pod template volume "${v.name}" (${source}) is replaced by the claim from the template`],
          }),
        );
      }
    }
    return findings;
  },
});
