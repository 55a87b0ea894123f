import { defineCheck, type FindingDraft } from './check.js';
import { claimFinding, listOf, quoteEvents } from './helpers.js';
import { nodeMatchesSelectorTerms } from '../kube/labels.js';
import { acceptsPod } from '../kube/nodes.js';

export const pvcVolumeTopologyUnreachable = defineCheck({
  id: 'pvc-volume-topology-unreachable',
  code: 'PVC-013',
  severity: 'error',
  title: "A Bound claim's PV can only be used where no Ready, schedulable node is",
  rationale:
    'A PV with required node affinity (a zonal disk, a local volume) can be used only on nodes that satisfy it, and the scheduler places a pod of its claim nowhere else ("node(s) didn\'t match PersistentVolume\'s node affinity", volumebinding ErrReasonNodeConflict). After a zone or node-pool change, or while the only nodes there are NotReady or cordoned, the pod stays Pending although its claim is Bound (aerospike operator#80, karpenter-provider-aws#2971). The finding names the topology keys the PV requires and what the usable nodes have instead.',
  remediation:
    "Bring back capacity where the data is (a node in that zone or pool, uncordon or repair the nodes there); the PV's node affinity cannot be changed, so moving the data means a snapshot or copy into a new claim in a reachable zone.",
  needs: ['persistentvolumeclaims', 'persistentvolumes', 'pods', 'nodes', 'events'],
  followsFrom: { codes: ['PV-006'], on: 'related' },
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const claim of snapshot.claims) {
      const volume = snapshot.volume(claim.spec?.volumeName);
      const terms = volume?.spec?.nodeAffinity?.required?.nodeSelectorTerms;
      if (claim.status?.phase !== 'Bound' || !volume || !terms?.length) continue;
      const pending = snapshot.podsUsingClaim(claim).filter((p) => !p.spec?.nodeName && !p.metadata?.deletionTimestamp);
      if (pending.length === 0) continue;
      const pod = pending[0]!;
      const usable = snapshot.nodes.filter((n) => acceptsPod(n, pod));
      if (usable.some((n) => nodeMatchesSelectorTerms(n, terms))) continue;
      const keys = [...new Set(terms.flatMap((t) => (t.matchExpressions ?? []).map((e) => e.key)))];
      const required = terms
        .map((t) => (t.matchExpressions ?? []).map((e) => `${e.key} ${e.operator === 'In' ? 'in' : e.operator} [${(e.values ?? []).join(',')}]`).join(' and '))
        .join(' or ');
      const have = keys.map((k) => {
        const counts = new Map<string, number>();
        for (const n of usable) {
          const v = n.metadata?.labels?.[k] ?? '(none)';
          counts.set(v, (counts.get(v) ?? 0) + 1);
        }
        return `${k}: ${[...counts].map(([v, c]) => `${v} (${c})`).join(', ') || 'no usable node'}`;
      });
      const matchingButUnusable = snapshot.nodes.filter((n) => nodeMatchesSelectorTerms(n, terms)).map((n) => n.metadata?.name ?? '');
      findings.push(
        claimFinding(snapshot, claim, {
          related: [
            { kind: 'PersistentVolume', name: volume.metadata?.name ?? '' },
            { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name ?? '' },
          ],
          message: `pod ${pod.metadata?.name} stays Pending: PV ${volume.metadata?.name} of claim ${claim.metadata?.name} requires ${required}, and no Ready, schedulable node has it (${usable.length ? `usable nodes have ${have.join('; ')}` : 'no node is Ready and schedulable'})`,
          evidence: [
            ...(matchingButUnusable.length ? [`nodes that match but are NotReady, cordoned or tainted: ${listOf(matchingButUnusable)}`] : []),
            ...quoteEvents(snapshot, snapshot.eventsFor('Pod', pod, ['FailedScheduling']), 1),
          ],
        }),
      );
    }
    return findings;
  },
});
