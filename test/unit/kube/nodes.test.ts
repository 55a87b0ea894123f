// What the audit and recover-node read of a node: its Ready condition (a node
// without one has never reported), the text that describes it, its taints,
// whether the scheduler may place a pod there (readiness, cordon,
// NoSchedule/NoExecute taints and the pod's tolerations, as TaintToleration
// matches them), and node selector terms as component-helpers matches them.
import { describe, expect, it } from 'vitest';
import { acceptsPod, hasTaint, isReady, readinessOf, readinessText } from '../../../src/kube/nodes.js';
import { nodeMatchesSelectorTerms } from '../../../src/kube/labels.js';
import type { Node, Pod } from '../../../src/kube/types.js';

const node = (ready: string | undefined, spec: Node['spec'] = {}, extra: Record<string, unknown> = {}, labels?: Record<string, string>): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1', ...(labels ? { labels } : {}) },
  spec,
  status:
    ready === undefined
      ? { conditions: [{ type: 'MemoryPressure', status: 'False' }] }
      : {
          conditions: [
            { type: 'MemoryPressure', status: 'True' },
            { type: 'Ready', status: ready, ...extra },
          ],
        },
});
const pod = (tolerations?: NonNullable<Pod['spec']>['tolerations']): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { containers: [], ...(tolerations ? { tolerations } : {}) },
});

describe('readiness', () => {
  it('reads the Ready condition, not another one; anything but True or False is Unknown', () => {
    expect(readinessOf(node('True'))).toEqual({ status: 'True', reason: undefined, message: undefined, since: undefined });
    expect(readinessOf(node('False', {}, { reason: 'KubeletNotReady', message: 'PLEG', lastTransitionTime: '2026-01-01T11:00:00Z' }))).toEqual({
      status: 'False',
      reason: 'KubeletNotReady',
      message: 'PLEG',
      since: '2026-01-01T11:00:00Z',
    });
    expect(readinessOf(node('Unknown')).status).toBe('Unknown');
    expect(readinessOf(node('yes')).status).toBe('Unknown');
    expect(readinessOf(node(undefined))).toEqual({ status: 'Unknown', reason: 'NoReadyCondition' });
    expect([isReady(node('True')), isReady(node('False')), isReady(node(undefined))]).toEqual([true, false, false]);
  });

  it('describes a node as kubectl users read it', () => {
    expect(readinessText(node('True'))).toBe('Ready');
    expect(
      readinessText(
        node('Unknown', {}, { reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: '2026-01-01T11:50:00Z' }),
      ),
    ).toBe('NotReady (Ready=Unknown since 2026-01-01T11:50:00Z: NodeStatusUnknown, Kubelet stopped posting node status.)');
    expect(readinessText(node('False'))).toBe('NotReady (Ready=False)');
    expect(readinessText(node(undefined))).toBe('NotReady (Ready=Unknown: NoReadyCondition)');
  });

  it('finds a taint by key', () => {
    const n = node('True', { taints: [{ key: 'a', effect: 'NoSchedule' }] });
    expect([hasTaint(n, 'a'), hasTaint(n, 'b'), hasTaint(node('True'), 'a')]).toEqual([true, false, false]);
  });
});

describe('acceptsPod', () => {
  const tainted = (effect: string, value?: string) => node('True', { taints: [{ key: 'dedicated', ...(value !== undefined ? { value } : {}), effect }] });

  it('refuses a NotReady or cordoned node, and any pod on it', () => {
    expect(acceptsPod(node('True'), pod())).toBe(true);
    expect(acceptsPod(node('True'), undefined)).toBe(true);
    expect(acceptsPod(node('False'), pod())).toBe(false);
    expect(acceptsPod(node('True', { unschedulable: true }), pod())).toBe(false);
  });

  it('counts NoSchedule and NoExecute taints, not PreferNoSchedule', () => {
    expect(acceptsPod(tainted('NoSchedule'), pod())).toBe(false);
    expect(acceptsPod(tainted('NoExecute'), pod())).toBe(false);
    expect(acceptsPod(tainted('PreferNoSchedule'), pod())).toBe(true);
    expect(acceptsPod(tainted('NoSchedule'), undefined)).toBe(false);
  });

  it('matches tolerations as Toleration.ToleratesTaint does: an effect or key when given, then Exists any value, Equal its own', () => {
    const cases: Array<[string, NonNullable<Pod['spec']>['tolerations'], Node, boolean]> = [
      ['Exists, the key', [{ key: 'dedicated', operator: 'Exists' }], tainted('NoSchedule', 'db'), true],
      ['Exists, no key: every taint', [{ operator: 'Exists' }], tainted('NoExecute', 'db'), true],
      ['Exists, another key', [{ key: 'other', operator: 'Exists' }], tainted('NoSchedule', 'db'), false],
      ['Equal, the value', [{ key: 'dedicated', operator: 'Equal', value: 'db' }], tainted('NoSchedule', 'db'), true],
      ['Equal, another value', [{ key: 'dedicated', operator: 'Equal', value: 'web' }], tainted('NoSchedule', 'db'), false],
      ['Equal, both without a value', [{ key: 'dedicated' }], tainted('NoSchedule'), true],
      ['Equal, the taint has a value, the toleration none', [{ key: 'dedicated' }], tainted('NoSchedule', 'db'), false],
      ['the same effect', [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }], tainted('NoSchedule', 'db'), true],
      ['another effect', [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }], tainted('NoSchedule', 'db'), false],
      // The effect is compared first, for Exists too (a toleration of NoExecute does not let a pod past NoSchedule).
      ['Exists, another effect', [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }], tainted('NoSchedule', 'db'), false],
      ['Exists, no key, another effect', [{ operator: 'Exists', effect: 'NoExecute' }], tainted('NoSchedule', 'db'), false],
      ['Exists, no key, the effect', [{ operator: 'Exists', effect: 'NoSchedule' }], tainted('NoSchedule', 'db'), true],
      // An empty key with Equal matches any key whose value is the toleration's (the API server allows it only with Exists).
      ['Equal, no key, the value', [{ operator: 'Equal', value: 'db' }], tainted('NoSchedule', 'db'), true],
      // Lt and Gt are behind an alpha gate, off by default: they tolerate nothing.
      ['Gt', [{ key: 'dedicated', operator: 'Gt', value: '1' }], tainted('NoSchedule', '5'), false],
      ['Lt with an equal value', [{ key: 'dedicated', operator: 'Lt', value: 'db' }], tainted('NoSchedule', 'db'), false],
    ];
    for (const [what, tolerations, n, want] of cases) expect([what, acceptsPod(n, pod(tolerations))]).toEqual([what, want]);
    // Every taint must be tolerated, not just one.
    const two = node('True', {
      taints: [
        { key: 'a', effect: 'NoSchedule' },
        { key: 'b', effect: 'NoSchedule' },
      ],
    });
    expect(acceptsPod(two, pod([{ key: 'a', operator: 'Exists' }]))).toBe(false);
    expect(
      acceptsPod(
        two,
        pod([
          { key: 'a', operator: 'Exists' },
          { key: 'b', operator: 'Exists' },
        ]),
      ),
    ).toBe(true);
  });
});

describe('nodeMatchesSelectorTerms', () => {
  const n = node('True', {}, {}, { zone: 'a', gen: '5', disk: 'ssd' });
  const expr = (key: string, operator: string, values?: string[]) => ({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });

  it('matches each operator, Gt and Lt on integers only', () => {
    const cases: Array<[ReturnType<typeof expr>, boolean]> = [
      [expr('zone', 'In', ['a', 'b']), true],
      [expr('zone', 'In', ['b']), false],
      [expr('none', 'In', ['']), false],
      [expr('zone', 'NotIn', ['b']), true],
      [expr('zone', 'NotIn', ['a']), false],
      [expr('none', 'NotIn', ['a']), true],
      [expr('disk', 'Exists'), true],
      [expr('none', 'Exists'), false],
      [expr('none', 'DoesNotExist'), true],
      [expr('disk', 'DoesNotExist'), false],
      [expr('gen', 'Gt', ['4']), true],
      [expr('gen', 'Gt', ['5']), false],
      [expr('gen', 'Lt', ['6']), true],
      [expr('gen', 'Lt', ['5']), false],
      [expr('gen', 'Gt', ['4', '3']), false],
      [expr('gen', 'Gt', ['4.5']), false],
      [expr('zone', 'Gt', ['1']), false],
      [expr('none', 'Lt', ['9']), false],
      [expr('zone', 'Like', ['a']), false],
    ];
    for (const [term, want] of cases) expect([term.matchExpressions[0], nodeMatchesSelectorTerms(n, [term])]).toEqual([term.matchExpressions[0], want]);
  });

  it('ANDs requirements within a term, ORs terms, matches metadata.name by field, and lets an empty term match nothing', () => {
    expect(
      nodeMatchesSelectorTerms(n, [
        {
          matchExpressions: [
            { key: 'zone', operator: 'In', values: ['a'] },
            { key: 'disk', operator: 'In', values: ['hdd'] },
          ],
        },
      ]),
    ).toBe(false);
    expect(nodeMatchesSelectorTerms(n, [expr('zone', 'In', ['z']), expr('disk', 'In', ['ssd'])])).toBe(true);
    expect(nodeMatchesSelectorTerms(n, [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }])).toBe(true);
    expect(nodeMatchesSelectorTerms(n, [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }])).toBe(false);
    expect(
      nodeMatchesSelectorTerms(n, [
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }], matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] },
      ]),
    ).toBe(false);
    expect(nodeMatchesSelectorTerms(n, [{}])).toBe(false);
    expect(nodeMatchesSelectorTerms(n, [{ matchExpressions: [] }, expr('zone', 'In', ['a'])])).toBe(true);
    expect(nodeMatchesSelectorTerms(n, [])).toBe(false);
    expect(nodeMatchesSelectorTerms(node('True'), [expr('zone', 'DoesNotExist')])).toBe(true);
  });
});
