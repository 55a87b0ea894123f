// What the node-lifecycle controller and the scheduler read of a node: its
// Ready condition, its taints, whether it is cordoned.
import type { Node, Pod } from './types.js';

export const OUT_OF_SERVICE_TAINT = 'node.kubernetes.io/out-of-service';

export interface Readiness {
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  since?: string;
}

/** The Ready condition; a node without one has never reported (Unknown). */
export function readinessOf(node: Node): Readiness {
  const c = node.status?.conditions?.find((x) => x.type === 'Ready');
  if (!c) return { status: 'Unknown', reason: 'NoReadyCondition' };
  return {
    status: c.status === 'True' ? 'True' : c.status === 'False' ? 'False' : 'Unknown',
    reason: c.reason,
    message: c.message,
    since: c.lastTransitionTime as unknown as string | undefined,
  };
}

export function isReady(node: Node): boolean {
  return readinessOf(node).status === 'True';
}

/** "NotReady (Ready=Unknown since …: NodeStatusUnknown, Kubelet stopped posting node status.)" */
export function readinessText(node: Node): string {
  const r = readinessOf(node);
  if (r.status === 'True') return 'Ready';
  return `NotReady (Ready=${r.status}${r.since ? ` since ${r.since}` : ''}${r.reason ? `: ${r.reason}` : ''}${r.message ? `, ${r.message}` : ''})`;
}

export function hasTaint(node: Node, key: string): boolean {
  return (node.spec?.taints ?? []).some((t) => t.key === key);
}

/**
 * Whether the scheduler may place this pod on the node, as far as readiness,
 * cordoning and NoSchedule/NoExecute taints go (TaintToleration, NodeUnschedulable).
 */
export function acceptsPod(node: Node, pod: Pod | undefined): boolean {
  if (!isReady(node) || node.spec?.unschedulable) return false;
  const tolerations = pod?.spec?.tolerations ?? [];
  return (node.spec?.taints ?? [])
    .filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
    .every((t) => tolerations.some((tol) => toleratesTaint(tol, t)));
}

type Toleration = NonNullable<NonNullable<Pod['spec']>['tolerations']>[number];
type Taint = NonNullable<NonNullable<Node['spec']>['taints']>[number];

/**
 * k8s.io/api core/v1 Toleration.ToleratesTaint: an effect or key, when given,
 * must be the taint's, whatever the operator; then Exists tolerates any value
 * and Equal (or no operator) only the taint's own. Lt and Gt compare numbers
 * only behind the TaintTolerationComparisonOperators gate (alpha, off by
 * default through 1.37), so here they tolerate nothing.
 */
function toleratesTaint(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.key && tol.key !== taint.key) return false;
  switch (tol.operator ?? '') {
    case '':
    case 'Equal':
      return (tol.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}
