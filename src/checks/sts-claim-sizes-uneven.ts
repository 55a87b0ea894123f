import { defineCheck, type FindingDraft } from './check.js';
import { commands, listOf, setFinding } from './helpers.js';
import { requestOf } from '../kube/binding.js';
import { formatBytes } from '../kube/quantity.js';
import { ordinalOfClaim } from '../kube/statefulset.js';
import { ownerOf } from '../analysis/owner.js';
import { ownerNextSteps, stepLine } from '../analysis/owner-steps.js';

export const stsClaimSizesUneven = defineCheck({
  id: 'sts-claim-sizes-uneven',
  code: 'STS-017',
  severity: 'warning',
  title: 'Claims were grown past their template, so a scale-up creates smaller ones',
  rationale:
    "volumeClaimTemplates are immutable (resizing through them, KEP-4650, is unreleased as of 1.37), so a resize done claim by claim leaves the template at the old size. The StatefulSet controller creates every new ordinal's claim from the template, so a scale-up, or a claim deleted and re-created, gets the old, smaller size while its peers run with more: replicas of one database with different disk sizes. (A claim smaller than its template is STS-009.)",
  remediation:
    "Bring the template to the claims' size with `kubectl sts-storage resize STS --to SIZE` (it grows any claim still smaller and re-creates the set with the larger template by an orphaning delete; pods and claims stay).",
  needs: ['statefulsets', 'persistentvolumeclaims'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      for (const template of sts.spec?.volumeClaimTemplates ?? []) {
        const name = template.metadata?.name ?? '';
        const want = requestOf(template.spec);
        if (!name || want === undefined) continue;
        const claims = snapshot.claimsOf(sts).filter((c) => ordinalOfClaim(sts, c.metadata?.name ?? '')?.template === name);
        const larger = claims.filter((c) => (requestOf(c.spec) ?? 0) > want);
        if (larger.length === 0) continue;
        const largest = Math.max(...larger.map((c) => requestOf(c.spec) ?? 0));
        const bySize = new Map<number, string[]>();
        for (const c of claims) bySize.set(requestOf(c.spec) ?? 0, [...(bySize.get(requestOf(c.spec) ?? 0) ?? []), c.metadata?.name ?? '']);
        const sizes = [...bySize].sort(([a], [b]) => b - a).map(([size, names]) => `${formatBytes(size)} (${listOf(names.sort())})`);
        // An operator that re-creates the set from its own resource makes `resize` refuse (prometheus-operator's
        // procedure aside): the size goes in its resource, and no command of ours is suggested.
        const owner = ownerOf(sts, snapshot.owners);
        const viaOperator = owner.type === 'operator' && !owner.operator?.procedure;
        findings.push(
          setFinding(sts, {
            related: larger.map((c) => ({ kind: 'PersistentVolumeClaim', namespace: c.metadata?.namespace, name: c.metadata?.name ?? '' })),
            message: `claims of template ${name} ask for ${listOf(sizes)}, but the template of statefulset ${sts.metadata?.name} asks for ${formatBytes(want)}: a scale-up creates ${formatBytes(want)} claims`,
            evidence: [
              `volumeClaimTemplates are immutable: the template still says ${template.spec?.resources?.requests?.['storage']}`,
              ...(viaOperator ? ownerNextSteps(owner, sts.metadata?.name ?? '', [{ template: name, size: formatBytes(largest) }]).map(stepLine) : []),
            ],
            ...(viaOperator
              ? {}
              : {
                  fix: {
                    command: commands.resize(sts, formatBytes(largest), name),
                    description: 'grow the template (and any smaller claim) to the largest claim',
                  },
                }),
          }),
        );
      }
    }
    return findings;
  },
});
