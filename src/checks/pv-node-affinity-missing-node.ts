import { defineCheck, type FindingDraft } from './check.js';
import { volumeFinding } from './helpers.js';
import { nodeMatchesSelectorTerms } from '../kube/labels.js';

export const pvNodeAffinityMissingNode = defineCheck({
  id: 'pv-node-affinity-missing-node',
  code: 'PV-006',
  severity: 'warning',
  title: 'Node affinity that no existing node satisfies',
  rationale:
    'A local (or zonal) PV carries required node affinity; the scheduler places a consumer only on a node that satisfies it ("node(s) didn\'t match PersistentVolume\'s node affinity"). When that node was removed, no consumer can ever be scheduled and the data is only on the missing machine.',
  remediation:
    "Bring the node back (same name and labels), or restore the data elsewhere and move the claim to a new PV; a PV's node affinity cannot be edited once set.",
  needs: ['persistentvolumes', 'nodes'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const volume of snapshot.volumes) {
      const terms = volume.spec?.nodeAffinity?.required?.nodeSelectorTerms;
      if (!terms || terms.length === 0 || !snapshot.volumeInScope(volume)) continue;
      if (snapshot.nodes.some((n) => nodeMatchesSelectorTerms(n, terms))) continue;
      const named = terms.flatMap((t) =>
        [...(t.matchExpressions ?? []), ...(t.matchFields ?? [])]
          .filter((e) => e.key === 'kubernetes.io/hostname' || e.key === 'metadata.name')
          .flatMap((e) => e.values ?? []),
      );
      const describe = terms
        .map((t) =>
          [...(t.matchExpressions ?? []), ...(t.matchFields ?? [])].map((e) => `${e.key} ${e.operator} [${(e.values ?? []).join(',')}]`).join(' and '),
        )
        .join(' or ');
      findings.push(
        volumeFinding(snapshot, volume, {
          related: named.map((n) => ({ kind: 'Node', name: n })),
          message: named.length
            ? `PV ${volume.metadata?.name} can only be used on node ${named.join(' or ')}, which no longer exists`
            : `PV ${volume.metadata?.name} requires nodes matching ${describe}, and no node does`,
          evidence: [`nodeAffinity: ${describe}`, `nodes: ${snapshot.nodes.length}`],
        }),
      );
    }
    return findings;
  },
});
