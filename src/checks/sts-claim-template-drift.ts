import { defineCheck, type FindingDraft } from './check.js';
import { setFinding } from './helpers.js';
import { claimClass, claimHasClass, requestOf } from '../kube/binding.js';
import { formatBytes } from '../kube/quantity.js';

export const stsClaimTemplateDrift = defineCheck({
  id: 'sts-claim-template-drift',
  code: 'STS-009',
  severity: 'warning',
  title: 'An existing ordinal claim differs from its template',
  rationale:
    'The StatefulSet controller reuses any existing claim with the expected name as it is ("TODO: Check resource requirements and accessmodes" in createPersistentVolumeClaims), so a claim left from an earlier template keeps its old StorageClass, access modes or size while the template says otherwise.',
  remediation:
    'Decide which is right: expand the claim (if its class allows expansion), or migrate the data to a claim created from the current template; the tool does not delete claims.',
  needs: ['statefulsets', 'persistentvolumeclaims'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const claim of snapshot.claims) {
      const owner = snapshot.claimOwner(claim.metadata?.namespace, claim.metadata?.name ?? '');
      if (!owner) continue;
      const template = (owner.sts.spec?.volumeClaimTemplates ?? []).find((t) => t.metadata?.name === owner.template);
      if (!template) continue;
      const diffs: string[] = [];
      const wanted = claimHasClass(template) ? claimClass(template) : snapshot.defaultClass()?.metadata?.name;
      if (wanted !== undefined && claimClass(claim) !== wanted) {
        diffs.push(`storageClassName "${claimClass(claim)}", template${claimHasClass(template) ? '' : ' (default class)'} says "${wanted}"`);
      }
      const want = [...(template.spec?.accessModes ?? [])].sort().join(',');
      const have = [...(claim.spec?.accessModes ?? [])].sort().join(',');
      if (want !== have) diffs.push(`accessModes [${have}], template says [${want}]`);
      const reqT = requestOf(template.spec);
      const reqC = requestOf(claim.spec);
      if (reqT !== undefined && reqC !== undefined && reqC < reqT) diffs.push(`requests ${formatBytes(reqC)}, template asks ${formatBytes(reqT)}`);
      if (diffs.length === 0) continue;
      findings.push(
        setFinding(owner.sts, {
          related: [{ kind: 'PersistentVolumeClaim', namespace: claim.metadata?.namespace, name: claim.metadata?.name ?? '' }],
          message: `claim ${claim.metadata?.name} differs from template "${owner.template}" of statefulset ${owner.sts.metadata?.name}: ${diffs.join('; ')}`,
          evidence: diffs,
        }),
      );
    }
    return findings;
  },
});
