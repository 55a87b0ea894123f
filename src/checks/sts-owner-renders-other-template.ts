import { defineCheck, type FindingDraft } from './check.js';
import { setFinding } from './helpers.js';
import { ownerOf } from '../analysis/owner.js';
import { describeSizeKey, ownerNextSteps, stepLine, templateDifferences } from '../analysis/owner-steps.js';
import { immutableUpdateRefusals } from '../kube/server-messages.js';
import { requestOf } from '../kube/binding.js';
import { formatBytes, parseQuantity } from '../kube/quantity.js';
import { ordinalOfClaim } from '../kube/statefulset.js';

export const stsOwnerRendersOtherTemplate = defineCheck({
  id: 'sts-owner-renders-other-template',
  code: 'STS-019',
  severity: 'warning',
  title: "The set's Helm release renders claim templates the live set cannot become",
  rationale:
    "volumeClaimTemplates are immutable. When a set was re-created with other templates (a resize, by this tool or by hand) and its Helm release still renders the old ones, the release's next upgrade computes a patch to the old templates and the API server refuses it (Helm 3: `cannot patch … field is immutable` or, up to 1.36, `Forbidden: updates to statefulset spec for fields other than …`; Helm 4's server-side apply gets the same refusal). Every upgrade of the release fails the same way until its values render what the set has. The deployed revision's manifest is read from the release Secret; the values key is read from the chart's own template (`storage: {{ .Values.persistence.size }}`), and only named when it is certain.",
  remediation:
    'Upgrade the release with the values that render the live templates: the finding prints the command with the key (`helm upgrade RELEASE CHART -n NS --reuse-values --set KEY=SIZE`); with a Flux HelmRelease, set the key in its spec.values. After that upgrade the finding is gone.',
  needs: ['statefulsets', 'persistentvolumeclaims'],
  needsOwners: true,
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      const owner = ownerOf(sts, snapshot.owners);
      if (owner.type !== 'helm' || !owner.rendered) continue;
      const diffs = templateDifferences(sts.spec?.volumeClaimTemplates ?? [], owner.rendered.volumeClaimTemplates);
      if (diffs.length === 0) continue;
      const name = sts.metadata?.name ?? '';
      const sizes = diffs.filter((d) => d.field === 'storage').map((d) => ({ template: d.template, size: d.live }));
      const refusals = immutableUpdateRefusals(snapshot.serverVersion, name, ['volumeClaimTemplates']);
      // Claims grown past what the release renders: a reinstall or a scale-up from its template would be smaller.
      const grown = snapshot.claimsOf(sts).filter((c) => {
        const t = ordinalOfClaim(sts, c.metadata?.name ?? '')?.template;
        const rendered = owner.rendered!.volumeClaimTemplates.find((x) => x.metadata?.name === t);
        return rendered && (requestOf(c.spec) ?? 0) > (parseQuantity(rendered.spec?.resources?.requests?.['storage']) ?? Infinity);
      });
      const steps = ownerNextSteps(owner, name, sizes);
      findings.push(
        setFinding(sts, {
          related: grown.map((c) => ({ kind: 'PersistentVolumeClaim', namespace: c.metadata?.namespace, name: c.metadata?.name ?? '' })),
          message: `Helm release ${owner.release} (revision ${owner.record!.revision}) renders ${diffs.map((d) => `template ${d.template} ${d.field} ${d.owner}`).join(', ')}, but statefulset ${name} has ${diffs.map((d) => d.live).join(', ')}: the next helm upgrade that renders it unchanged is refused`,
          evidence: [
            ...refusals.map((r) => `the API server's answer (${r.releases}): ${r.text}`),
            ...sizes.map((s) => `template ${s.template}: ${describeSizeKey(owner.rendered!.sizeKeys[s.template])}`),
            ...(grown.length > 0
              ? [`claims larger than the release renders: ${grown.map((c) => `${c.metadata?.name} (${formatBytes(requestOf(c.spec))})`).join(', ')}`]
              : []),
            ...steps.map(stepLine),
          ],
        }),
      );
    }
    return findings;
  },
});
