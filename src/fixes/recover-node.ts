// recover-node: the out-of-service taint (NodeOutOfServiceVolumeDetach, GA in
// 1.28) on a node that is really shut down. The pod garbage collector then
// force-deletes its terminating pods (gcTerminating) and the attach-detach
// controller detaches their volumes without waiting for an unmount no kubelet
// will report, so the StatefulSet controller can start the ordinals elsewhere.
// Misused on a live node it lets two pods write one volume: the planner
// refuses while the node says it is alive, and the command needs an explicit
// statement that it is powered off.
import type { Node, Pod, VolumeAttachment } from '../kube/types.js';
import { hasTaint, isReady, OUT_OF_SERVICE_TAINT, readinessText } from '../kube/nodes.js';
import { formatDuration, timeOf } from '../kube/time.js';
import { objectPath } from '../kube/resources.js';
import { clone, keyed, pointer, preconditions, targetOf, type JsonPatchOp, type PlannedChange, type Refusal } from './plan.js';

export interface Lease {
  spec?: { renewTime?: string; leaseDurationSeconds?: number; holderIdentity?: string };
}

export interface RecoverNodeInput {
  node: Node;
  lease?: Lease;
  /** the Lease could not be read */
  leaseError?: string;
  pods: Pod[];
  attachments: VolumeAttachment[];
  now: number;
}

export const OUT_OF_SERVICE = { key: OUT_OF_SERVICE_TAINT, value: 'nodeshutdown', effect: 'NoExecute' };

export function planRecoverNode(input: RecoverNodeInput): PlannedChange | Refusal {
  const { node, lease, now } = input;
  const name = node.metadata?.name ?? '';
  const target = { kind: 'Node', name };
  if (hasTaint(node, OUT_OF_SERVICE_TAINT)) return { target, reasons: [`it already has the ${OUT_OF_SERVICE_TAINT} taint`], noop: true };
  const reasons: string[] = [];
  if (isReady(node)) reasons.push('it is Ready: its kubelet is reporting, so its pods may still be running and writing');
  const renewed = timeOf(lease?.spec?.renewTime);
  const duration = (lease?.spec?.leaseDurationSeconds ?? 40) * 1000;
  if (renewed !== undefined && now - renewed < duration)
    reasons.push(`its Lease was renewed ${formatDuration(Math.max(0, now - renewed))} ago (duration ${duration / 1000}s): its kubelet may be alive`);
  if (input.leaseError) reasons.push(`its Lease cannot be read, so a live kubelet cannot be ruled out: ${input.leaseError}`);
  if (reasons.length > 0) return { target, reasons };

  const taint = { ...OUT_OF_SERVICE, timeAdded: new Date(now).toISOString() };
  const patch: JsonPatchOp[] = preconditions(node);
  if (node.spec?.taints?.length) patch.push({ op: 'add', path: pointer('spec', 'taints', '-'), value: taint });
  else patch.push({ op: 'add', path: pointer('spec', 'taints'), value: [taint] });
  const after = clone(node);
  after.spec = { ...after.spec, taints: [...(after.spec?.taints ?? []), taint as never] };
  const notes = [
    ...input.pods.map((p) => {
      const claims = (p.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
      const state = p.metadata?.deletionTimestamp ? 'Terminating: the pod garbage collector force-deletes it' : 'evicted by the NoExecute taint';
      return `pod ${p.metadata?.namespace}/${p.metadata?.name} (${state})${claims.length ? `; claims ${claims.join(', ')}` : ''}`;
    }),
    ...input.attachments.map(
      (va) => `VolumeAttachment ${va.metadata?.name} (PV ${va.spec?.source?.persistentVolumeName}): the attach-detach controller detaches it`,
    ),
  ];
  return {
    target: targetOf('Node', node),
    summary: `taint node ${name} (${readinessText(node)}) ${OUT_OF_SERVICE.key}=${OUT_OF_SERVICE.value}:${OUT_OF_SERVICE.effect}, releasing ${input.pods.length} pod(s) and ${input.attachments.length} volume attachment(s)`,
    before: node,
    after,
    steps: [{ kind: 'patch', path: objectPath('Node', name), patch, description: 'JSON patch with test preconditions' }],
    permissions: [{ verb: 'patch', group: '', resource: 'nodes' }],
    warnings: [
      `only for a node that is powered off: if ${name} still runs its containers, a second pod will write to the same ReadWriteOnce volumes and corrupt them`,
      'remove the taint (undo) once the node is back, or it stays out of service',
    ],
    notes: notes.length ? notes : ['no pod or volume attachment is on the node'],
    owned: [pointer('spec', 'taints', keyed('key', OUT_OF_SERVICE_TAINT))],
  };
}
