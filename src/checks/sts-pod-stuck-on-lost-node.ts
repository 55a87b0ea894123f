import { defineCheck, type FindingDraft } from './check.js';
import { listOf, PLUGIN, setFinding } from './helpers.js';
import { hasTaint, isReady, OUT_OF_SERVICE_TAINT, readinessText } from '../kube/nodes.js';
import { formatDuration, timeOf } from '../kube/time.js';

const exclusive = (modes: string[] | undefined) => (modes ?? []).some((m) => m === 'ReadWriteOnce' || m === 'ReadWriteOncePod');

export const stsPodStuckOnLostNode = defineCheck({
  id: 'sts-pod-stuck-on-lost-node',
  code: 'STS-018',
  severity: 'error',
  title: 'A pod is stuck Terminating on a node that is gone, holding a ReadWriteOnce claim',
  rationale:
    "A StatefulSet creates an ordinal's pod again only once the old one is gone, so that two pods never run with the same identity and volume. When a node dies its pods are marked for deletion (taint-based eviction, a drain) but no kubelet confirms it, so they stay Terminating and the ordinal stays down, and its ReadWriteOnce volume stays attached to the dead node (kubernetes/kubernetes#65392). The way out Kubernetes documents is the node.kubernetes.io/out-of-service taint, set only when the node is really powered off: the pod garbage collector then force-deletes the pods and the attach-detach controller detaches their volumes.",
  remediation:
    'Make sure the node is shut down (not just unreachable: two writers would corrupt the data), then `kubectl sts-storage recover-node NODE --confirm-powered-off=NODE`, which sets the out-of-service taint (undo removes it). If the node can come back, bring it back instead.',
  needs: ['statefulsets', 'pods', 'nodes', 'persistentvolumeclaims'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      for (const pod of snapshot.podsOf(sts)) {
        const nodeName = pod.spec?.nodeName;
        if (!pod.metadata?.deletionTimestamp || !nodeName) continue;
        const node = snapshot.node(nodeName);
        if (node && (isReady(node) || hasTaint(node, OUT_OF_SERVICE_TAINT))) continue;
        const claims = (pod.spec?.volumes ?? [])
          .map((v) => snapshot.claim(pod.metadata?.namespace, v.persistentVolumeClaim?.claimName))
          .filter((c) => c && exclusive(c.spec?.accessModes));
        if (claims.length === 0) continue;
        const since = timeOf(pod.metadata.deletionTimestamp);
        const names = claims.map((c) => c!.metadata?.name ?? '');
        findings.push(
          setFinding(sts, {
            related: [
              { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name ?? '' },
              { kind: 'Node', name: nodeName },
              ...names.map((name) => ({ kind: 'PersistentVolumeClaim', namespace: pod.metadata?.namespace, name })),
            ],
            message: `pod ${pod.metadata?.name} is Terminating${since !== undefined ? ` (for ${formatDuration(Math.max(0, snapshot.now - since))})` : ''} on node ${nodeName}, which is ${node ? readinessText(node) : 'gone'}: the StatefulSet controller creates ${pod.metadata?.name} again only once it is gone, and its ReadWriteOnce ${names.length === 1 ? 'claim' : 'claims'} ${listOf(names)} ${names.length === 1 ? 'stays' : 'stay'} attached there`,
            evidence: [`pod ${pod.metadata?.name}: deletionTimestamp ${String(pod.metadata.deletionTimestamp)}, node ${nodeName}`],
            fix: {
              command: `${PLUGIN} recover-node ${nodeName}`,
              description: 'once the node is powered off: the out-of-service taint releases its pods and volumes',
            },
          }),
        );
      }
    }
    return findings;
  },
});
