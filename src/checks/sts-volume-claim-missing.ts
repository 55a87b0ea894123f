import { defineCheck, type FindingDraft } from './check.js';
import { setFinding } from './helpers.js';
import { templateNames } from '../kube/statefulset.js';

export const stsVolumeClaimMissing = defineCheck({
  id: 'sts-volume-claim-missing',
  code: 'STS-003',
  severity: 'error',
  title: 'A pod volume names a PersistentVolumeClaim that does not exist',
  rationale:
    'A pod-template volume with persistentVolumeClaim.claimName is shared by every replica and is not created by the StatefulSet controller. When the claim does not exist the scheduler cannot place the pods ("persistentvolumeclaim not found").',
  remediation: 'Create the claim, correct claimName, or turn the volume into a volumeClaimTemplate if each replica needs its own storage.',
  needs: ['statefulsets', 'persistentvolumeclaims'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      const ns = sts.metadata?.namespace;
      if (!snapshot.coversNamespace(ns)) continue;
      const templates = new Set(templateNames(sts));
      for (const v of sts.spec?.template?.spec?.volumes ?? []) {
        const claimName = v.persistentVolumeClaim?.claimName;
        if (!claimName || templates.has(v.name)) continue; // shadowed volumes are STS-004's
        if (snapshot.claim(ns, claimName)) continue;
        findings.push(
          setFinding(sts, {
            related: [{ kind: 'PersistentVolumeClaim', namespace: ns, name: claimName }],
            message: `volume "${v.name}" of statefulset ${sts.metadata?.name} names claim ${claimName}, which does not exist in namespace ${ns}`,
            evidence: [`spec.template.spec.volumes[name=${v.name}].persistentVolumeClaim.claimName: ${claimName}`],
          }),
        );
      }
    }
    return findings;
  },
});
