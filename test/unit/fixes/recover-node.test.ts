// recover-node's planner: the out-of-service taint only on a node that says
// it is dead. Misused on a live node it lets two pods write one ReadWriteOnce
// volume, so each sign of life is a refusal: Ready, a Lease renewed within its
// duration, a Lease that cannot be read. test/integration/nodes.test.ts runs
// the command against the control plane; here each refusal's boundary and the
// whole change are pinned.
import { describe, expect, it } from 'vitest';
import { planRecoverNode, type RecoverNodeInput } from '../../../src/fixes/recover-node.js';
import type { Node } from '../../../src/kube/types.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const dead = (extra: Partial<Node['spec']> = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-a', uid: 'n-1', resourceVersion: '7' },
  spec: { ...extra },
  status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', lastTransitionTime: '2026-01-01T11:50:00Z' }] },
});
const input = (over: Partial<RecoverNodeInput> = {}): RecoverNodeInput => ({ node: dead(), pods: [], attachments: [], now: NOW, ...over });
const renewedAgo = (seconds: number, leaseDurationSeconds?: number) => ({
  spec: { renewTime: new Date(NOW - seconds * 1000).toISOString(), ...(leaseDurationSeconds !== undefined ? { leaseDurationSeconds } : {}) },
});

describe('recover-node refuses while the node may be alive', () => {
  it('refuses a Ready node', () => {
    const node = dead();
    node.status!.conditions![0] = { type: 'Ready', status: 'True' };
    expect(planRecoverNode(input({ node }))).toEqual({
      target: { kind: 'Node', name: 'node-a' },
      reasons: ['it is Ready: its kubelet is reporting, so its pods may still be running and writing'],
    });
  });

  it('refuses a Lease renewed within its duration (40 s when it says none), and not at or past it', () => {
    const reasons = (lease: RecoverNodeInput['lease']) => {
      const r = planRecoverNode(input({ lease }));
      return 'reasons' in r ? r.reasons : [];
    };
    expect(reasons(renewedAgo(39))).toEqual(['its Lease was renewed 39s ago (duration 40s): its kubelet may be alive']);
    expect(reasons(renewedAgo(40))).toEqual([]);
    expect(reasons(renewedAgo(100, 120))).toEqual(['its Lease was renewed 100s ago (duration 120s): its kubelet may be alive']);
    expect(reasons(renewedAgo(120, 120))).toEqual([]);
    // A renewal in the future (clock skew) is a sign of life too, said as 0s.
    expect(reasons(renewedAgo(-30))).toEqual(['its Lease was renewed 0s ago (duration 40s): its kubelet may be alive']);
  });

  it('a Lease that was never renewed is no sign of life', () => {
    expect('steps' in planRecoverNode(input({ lease: { spec: { leaseDurationSeconds: 40 } } }))).toBe(true);
  });

  it('refuses when the Lease cannot be read, with every reason at once', () => {
    const node = dead();
    node.status!.conditions![0] = { type: 'Ready', status: 'True' };
    const r = planRecoverNode(input({ node, lease: renewedAgo(5), leaseError: 'leases.coordination.k8s.io "node-a" is forbidden' }));
    expect('reasons' in r && r.reasons).toEqual([
      'it is Ready: its kubelet is reporting, so its pods may still be running and writing',
      'its Lease was renewed 5s ago (duration 40s): its kubelet may be alive',
      'its Lease cannot be read, so a live kubelet cannot be ruled out: leases.coordination.k8s.io "node-a" is forbidden',
    ]);
  });

  it('has nothing to do on a node already out of service', () => {
    const node = dead({ taints: [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }] });
    expect(planRecoverNode(input({ node }))).toEqual({
      target: { kind: 'Node', name: 'node-a' },
      reasons: ['it already has the node.kubernetes.io/out-of-service taint'],
      noop: true,
    });
  });
});

describe('recover-node on a dead node', () => {
  it('adds the taint under a precondition and says what it releases', () => {
    const plan = planRecoverNode(
      input({
        lease: renewedAgo(600),
        pods: [
          {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'web-1', namespace: 'shop', deletionTimestamp: '2026-01-01T11:54:00Z' },
            spec: {
              containers: [],
              volumes: [
                { name: 'data', persistentVolumeClaim: { claimName: 'data-web-1' } },
                { name: 'tmp', emptyDir: {} },
              ],
            },
          },
          { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'agent', namespace: 'kube-system' }, spec: { containers: [] } },
        ],
        attachments: [
          {
            apiVersion: 'storage.k8s.io/v1',
            kind: 'VolumeAttachment',
            metadata: { name: 'csi-1' },
            spec: { attacher: 'x', nodeName: 'node-a', source: { persistentVolumeName: 'pv-1' } },
          },
        ],
      }),
    );
    expect(plan).toMatchObject({
      target: { kind: 'Node', name: 'node-a' },
      summary:
        'taint node node-a (NotReady (Ready=Unknown since 2026-01-01T11:50:00Z: NodeStatusUnknown)) node.kubernetes.io/out-of-service=nodeshutdown:NoExecute, releasing 2 pod(s) and 1 volume attachment(s)',
      steps: [
        {
          kind: 'patch',
          path: '/api/v1/nodes/node-a',
          description: 'JSON patch with test preconditions',
          patch: [
            { op: 'test', path: '/metadata/uid', value: 'n-1' },
            { op: 'test', path: '/metadata/resourceVersion', value: '7' },
            {
              op: 'add',
              path: '/spec/taints',
              value: [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute', timeAdded: '2026-01-01T12:00:00.000Z' }],
            },
          ],
        },
      ],
      permissions: [{ verb: 'patch', group: '', resource: 'nodes' }],
      warnings: [
        'only for a node that is powered off: if node-a still runs its containers, a second pod will write to the same ReadWriteOnce volumes and corrupt them',
        'remove the taint (undo) once the node is back, or it stays out of service',
      ],
      notes: [
        'pod shop/web-1 (Terminating: the pod garbage collector force-deletes it); claims data-web-1',
        'pod kube-system/agent (evicted by the NoExecute taint)',
        'VolumeAttachment csi-1 (PV pv-1): the attach-detach controller detaches it',
      ],
      owned: ['/spec/taints/[key=node.kubernetes.io~1out-of-service]'],
    });
    expect('after' in plan && plan.after.spec?.taints).toEqual([
      { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute', timeAdded: '2026-01-01T12:00:00.000Z' },
    ]);
    expect('before' in plan && plan.before.spec?.taints).toBeUndefined();
  });

  it('appends to the taints a node has, and says when nothing is on it', () => {
    const node = dead({ taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] });
    const plan = planRecoverNode(input({ node }));
    expect('steps' in plan && plan.steps[0]).toMatchObject({
      patch: [
        { op: 'test', path: '/metadata/uid', value: 'n-1' },
        { op: 'test', path: '/metadata/resourceVersion', value: '7' },
        {
          op: 'add',
          path: '/spec/taints/-',
          value: { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute', timeAdded: '2026-01-01T12:00:00.000Z' },
        },
      ],
    });
    expect('after' in plan && plan.after.spec?.taints?.map((t) => t.key)).toEqual(['node.kubernetes.io/unreachable', 'node.kubernetes.io/out-of-service']);
    expect('notes' in plan && plan.notes).toEqual(['no pod or volume attachment is on the node']);
  });
});
