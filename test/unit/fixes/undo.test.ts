// undo's planner: put back only the fields a repair owned, and only while
// they still hold what the repair wrote. Every refusal (not changed, cannot
// go back, gone, another object now, moved on since) and the patch each kind
// of field gets (a plain field, a missing parent, a field the repair added,
// one element of a list others write) are pinned here; test/integration/undo
// runs the command against the control plane.
import { describe, expect, it } from 'vitest';
import type { BackupEntry } from '../../../src/fixes/backup.js';
import { movedOn, planRestore } from '../../../src/fixes/undo.js';
import type { KubeObject } from '../../../src/kube/types.js';

const entry = (over: Partial<BackupEntry> = {}): BackupEntry => ({
  kind: 'PersistentVolume',
  name: 'pv-1',
  uid: 'pv-uid',
  resourceVersionBefore: '10',
  file: 'f',
  afterFile: 'a',
  owned: ['/spec/claimRef'],
  status: 'applied',
  ...over,
});
const pv = (claimRef: unknown, rv = '11', uid = 'pv-uid'): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-1', uid, resourceVersion: rv },
    spec: { ...(claimRef === undefined ? {} : { claimRef }) },
  }) as KubeObject;
const OLD = { namespace: 'shop', name: 'data-db-0', uid: 'old' };
const NEW = { namespace: 'shop', name: 'data-db-0' };

describe('undo refuses', () => {
  it('what the repair did not change, or cannot take back, as nothing to do', () => {
    for (const status of ['planned', 'failed', 'untouched'] as const)
      expect(planRestore(entry({ status }), pv(OLD), pv(NEW), pv(NEW))).toEqual({
        target: { kind: 'PersistentVolume', namespace: undefined, name: 'pv-1' },
        reasons: [`the repair did not change it (${status})`],
        noop: true,
      });
    expect(planRestore(entry({ irreversible: 'claims cannot shrink' }), pv(OLD), pv(NEW), pv(NEW))).toMatchObject({
      reasons: ['claims cannot shrink'],
      noop: true,
    });
  });

  it('an object that is gone, or is another object now', () => {
    expect(planRestore(entry(), pv(OLD), pv(NEW), undefined)).toMatchObject({ reasons: ['it no longer exists; nothing to restore onto'] });
    expect(planRestore(entry(), pv(OLD), pv(NEW), pv(NEW, '12', 'other-uid'))).toMatchObject({
      reasons: ['it is not the object the repair left (uid other-uid)'],
    });
    // A repair that re-created the object: the same uid as before means the re-create never happened.
    expect(planRestore(entry({ replaces: true }), pv(OLD), pv(NEW), pv(NEW))).toMatchObject({ reasons: ['it is not the object the repair left (uid pv-uid)'] });
  });

  it('a field that has moved on since the repair, saying what it was left as and what it is now', () => {
    const bound = { ...NEW, uid: 'new' };
    expect(movedOn(entry(), pv(NEW), pv(NEW))).toEqual([]);
    expect(movedOn(entry(), pv(NEW), pv(bound))).toEqual([
      'spec.claimRef: the repair left { namespace: shop, name: data-db-0 }, it is now { namespace: shop, name: data-db-0, uid: new }',
    ]);
    expect(movedOn(entry(), pv(NEW), pv(undefined))).toEqual(['spec.claimRef: the repair left { namespace: shop, name: data-db-0 }, it is now (absent)']);
    expect(planRestore(entry({ status: 'unknown' }), pv(OLD), pv(NEW), pv(bound))).toMatchObject({
      reasons: [
        'it has moved on since the repair, and restoring would clobber that: spec.claimRef: the repair left { namespace: shop, name: data-db-0 }, it is now { namespace: shop, name: data-db-0, uid: new }',
      ],
    });
  });
});

describe('undo restores', () => {
  it('a field as it was, under the current uid and resourceVersion', () => {
    const plan = planRestore(entry(), pv(OLD), pv(NEW), pv(NEW));
    expect(plan).toMatchObject({
      target: { kind: 'PersistentVolume', name: 'pv-1' },
      summary: 'restore spec.claimRef of PersistentVolume pv-1 as it was before the repair',
      steps: [
        {
          kind: 'patch',
          path: '/api/v1/persistentvolumes/pv-1',
          description: 'JSON patch with test preconditions',
          patch: [
            { op: 'test', path: '/metadata/uid', value: 'pv-uid' },
            { op: 'test', path: '/metadata/resourceVersion', value: '11' },
            { op: 'add', path: '/spec/claimRef', value: OLD },
          ],
        },
      ],
      permissions: [{ verb: 'patch', group: '', resource: 'persistentvolumes' }],
      warnings: [],
      owned: ['/spec/claimRef'],
    });
    expect('after' in plan && plan.after.spec).toEqual({ claimRef: OLD });
  });

  it('removes a field the repair added, creates a missing parent, and names the namespace it patches in', () => {
    const claim = (annotations?: Record<string, string>, ownerReferences?: unknown[]): KubeObject =>
      ({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name: 'data-db-0',
          namespace: 'shop',
          uid: 'c',
          resourceVersion: '5',
          ...(annotations ? { annotations } : {}),
          ...(ownerReferences ? { ownerReferences } : {}),
        },
      }) as KubeObject;
    const owners = [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 's' }];
    const e = entry({
      kind: 'PersistentVolumeClaim',
      namespace: 'shop',
      name: 'data-db-0',
      uid: 'c',
      owned: ['/metadata/annotations/a~1b', '/metadata/ownerReferences'],
    });
    // Before: no annotation, owners; the repair added the annotation and dropped the owners; nothing since.
    const plan = planRestore(e, claim(undefined, owners), claim({ 'a/b': 'x' }), claim({ 'a/b': 'x' }));
    expect(plan).toMatchObject({
      steps: [
        {
          path: '/api/v1/namespaces/shop/persistentvolumeclaims/data-db-0',
          patch: [
            { op: 'test', path: '/metadata/uid', value: 'c' },
            { op: 'test', path: '/metadata/resourceVersion', value: '5' },
            { op: 'remove', path: '/metadata/annotations/a~1b' },
            { op: 'add', path: '/metadata/ownerReferences', value: owners },
          ],
        },
      ],
      permissions: [{ verb: 'patch', group: '', resource: 'persistentvolumeclaims', namespace: 'shop' }],
      warnings: [
        'the ownerReferences come back: once none of those owners exists (one deleted since the repair counts), the garbage collector deletes the claim',
      ],
    });
    expect('after' in plan && plan.after.metadata).toEqual({
      name: 'data-db-0',
      namespace: 'shop',
      uid: 'c',
      resourceVersion: '5',
      annotations: {},
      ownerReferences: owners,
    });

    // A field under a parent that is gone now: the parent is added first.
    const setBefore = claim({ keep: 'me' });
    const noAnnotations = claim();
    const e2 = entry({ ...e, owned: ['/metadata/annotations/keep'] });
    const p2 = planRestore(e2, setBefore, noAnnotations, noAnnotations);
    expect('steps' in p2 && p2.steps[0]!.kind === 'patch' && p2.steps[0]!.patch.slice(2)).toEqual([
      { op: 'add', path: '/metadata/annotations', value: {} },
      { op: 'add', path: '/metadata/annotations/keep', value: 'me' },
    ]);
  });

  it('one element of a list others write (a node taint): tested by its value where it is now, then removed or put back', () => {
    const taint = { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' };
    const other = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
    const node = (taints?: unknown[]): KubeObject =>
      ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', uid: 'n', resourceVersion: '3' }, spec: taints ? { taints } : {} }) as KubeObject;
    const e = entry({ kind: 'Node', name: 'node-a', uid: 'n', owned: ['/spec/taints/[key=node.kubernetes.io~1out-of-service]'] });
    // The repair added the taint; since, the node controller put another before it: removed where it is now.
    const undoTaint = planRestore(e, node([]), node([taint]), node([other, taint]));
    expect('steps' in undoTaint && undoTaint.steps[0]).toMatchObject({
      path: '/api/v1/nodes/node-a',
      patch: [
        { op: 'test', path: '/metadata/uid', value: 'n' },
        { op: 'test', path: '/metadata/resourceVersion', value: '3' },
        { op: 'test', path: '/spec/taints/1', value: taint },
        { op: 'remove', path: '/spec/taints/1' },
      ],
    });
    expect('after' in undoTaint && undoTaint.after.spec?.taints).toEqual([other]);
    // The reverse: a repair that removed the element puts it back at the end, creating the list.
    const putBack = planRestore(e, node([taint]), node(), node());
    expect('steps' in putBack && putBack.steps[0]!.kind === 'patch' && putBack.steps[0]!.patch.slice(2)).toEqual([
      { op: 'add', path: '/spec/taints', value: [] },
      { op: 'add', path: '/spec/taints/-', value: taint },
    ]);
    expect('after' in putBack && putBack.after.spec?.taints).toEqual([taint]);
  });
});
