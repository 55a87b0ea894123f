import { defineCheck, type FindingDraft } from './check.js';
import { claimFinding, PLUGIN, quoteEvents } from './helpers.js';
import { isReady, readinessText } from '../kube/nodes.js';

export const pvcMultiAttach = defineCheck({
  id: 'pvc-multi-attach',
  code: 'PVC-012',
  severity: 'error',
  title: "A ReadWriteOnce volume is still attached to a NotReady node while the claim's new pod waits elsewhere",
  rationale:
    'The attach-detach controller attaches a ReadWriteOnce volume to one node at a time. While its VolumeAttachment to a dead node stands (it waits up to 6 minutes for an unmount no kubelet will report, and forever while a pod there is not deleted), the pod that replaced the old one on a healthy node cannot start; the controller says so on the pod (FailedAttachVolume: "Multi-Attach error for volume ..." up to 1.33, "Waiting for detach for volume ... Volume is already exclusively attached to one node, waiting on detach before it can be attached to another node" in 1.37; longhorn#5345, harvester#8066).',
  remediation:
    'If the old node is powered off, `kubectl sts-storage recover-node NODE --confirm-powered-off=NODE` sets the out-of-service taint, and the attach-detach controller detaches at once. Otherwise bring the node back.',
  needs: ['persistentvolumeclaims', 'pods', 'nodes', 'volumeattachments', 'events'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const claim of snapshot.claims) {
      const mode = (claim.spec?.accessModes ?? []).find((m) => m === 'ReadWriteOncePod' || m === 'ReadWriteOnce');
      if (!mode) continue;
      const pv = claim.spec?.volumeName;
      if (!pv) continue;
      const stuck = snapshot.attachmentsOf(pv).filter((va) => {
        const node = va.spec?.nodeName ? snapshot.node(va.spec.nodeName) : undefined;
        return node && !isReady(node);
      });
      if (stuck.length === 0) continue;
      const oldNodes = new Set(stuck.map((va) => va.spec?.nodeName));
      const waiting = snapshot.podsUsingClaim(claim).filter((p) => !p.metadata?.deletionTimestamp && p.spec?.nodeName && !oldNodes.has(p.spec.nodeName));
      if (waiting.length === 0) continue;
      const va = stuck[0]!;
      const oldNode = snapshot.node(va.spec!.nodeName)!;
      const pod = waiting[0]!;
      findings.push(
        claimFinding(snapshot, claim, {
          related: [
            { kind: 'VolumeAttachment', name: va.metadata?.name ?? '' },
            { kind: 'Node', name: va.spec!.nodeName },
            { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name ?? '' },
          ],
          message: `claim ${claim.metadata?.name} (${mode}, PV ${pv}) is still attached to node ${va.spec!.nodeName}, which is ${readinessText(oldNode)}, while pod ${pod.metadata?.name} waits for it on node ${pod.spec?.nodeName}`,
          evidence: [
            `VolumeAttachment ${va.metadata?.name}: node ${va.spec!.nodeName}, attached ${va.status?.attached ? 'true' : 'false'}`,
            ...quoteEvents(snapshot, snapshot.eventsFor('Pod', pod, ['FailedAttachVolume']), 1),
          ],
          fix: { command: `${PLUGIN} recover-node ${va.spec!.nodeName}`, description: 'once the node is powered off: detach its volumes' },
        }),
      );
    }
    return findings;
  },
});
