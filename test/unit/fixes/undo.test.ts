// undo's planner: put back only the fields a repair owned, and only while
// they still hold what the repair wrote. Every refusal (not changed, cannot
// go back, gone, another object now, moved on since) and the patch each kind
// of field gets (a plain field, a missing parent, a field the repair added,
// one element of a list others write) are pinned here; test/integration/undo
// runs the command against the control plane.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Backup, type BackupEntry } from '../../../src/fixes/backup.js';
import type { PlannedChange } from '../../../src/fixes/plan.js';
import { CANNOT_SHRINK } from '../../../src/fixes/resize.js';
import { movedOn, planRestore, planUndo } from '../../../src/fixes/undo.js';
import type { Claim, KubeObject, StatefulSet } from '../../../src/kube/types.js';

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
    // strictly: the annotation is gone, not left as a key without a value
    expect('after' in plan && plan.after.metadata).toStrictEqual({
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

describe('undo restores, at the edges', () => {
  it('does not remove a field that the repair added and someone removed since', () => {
    // before: absent; the repair left it absent too (a moved-on check passes); now absent: nothing to remove
    const e = entry({ owned: ['/spec/claimRef', '/spec/mountOptions'] });
    const plan = planRestore(e, pv(OLD), pv(NEW), pv(NEW));
    expect('steps' in plan && plan.steps[0]!.kind === 'patch' && plan.steps[0]!.patch.map((op) => `${op.op} ${op.path}`)).toEqual([
      'test /metadata/uid',
      'test /metadata/resourceVersion',
      'add /spec/claimRef',
    ]);
  });

  it('puts back a field under a parent that is null now', () => {
    const e = entry({ owned: ['/spec/claimRef/name'] });
    const now = { ...pv(undefined), spec: { claimRef: null } } as unknown as KubeObject;
    const plan = planRestore(e, pv(OLD), now, now);
    expect('after' in plan && plan.after.spec).toEqual({ claimRef: { name: 'data-db-0' } });
  });

  it('of a StatefulSet, tests its spec by uid and generation, not resourceVersion (the controller writes its status)', () => {
    const set = (replicas: number): KubeObject =>
      ({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db', namespace: 'shop', uid: 's', resourceVersion: '9', generation: 4 },
        spec: { replicas },
      }) as KubeObject;
    const plan = planRestore(entry({ kind: 'StatefulSet', name: 'db', namespace: 'shop', uid: 's', owned: ['/spec/replicas'] }), set(3), set(1), set(1));
    expect(plan).toMatchObject({
      steps: [
        {
          path: '/apis/apps/v1/namespaces/shop/statefulsets/db',
          patch: [
            { op: 'test', path: '/metadata/uid', value: 's' },
            { op: 'test', path: '/metadata/generation', value: 4 },
            { op: 'add', path: '/spec/replicas', value: 3 },
          ],
        },
      ],
      permissions: [{ verb: 'patch', group: 'apps', resource: 'statefulsets', namespace: 'shop' }],
      warnings: [],
    });
  });

  it("of an operator's resource, patches it where the backup says it lives, with the RBAC it names", () => {
    const cr = (size: string): KubeObject =>
      ({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'Prometheus',
        metadata: { name: 'k8s', namespace: 'mon', uid: 'p', resourceVersion: '2' },
        spec: { size },
      }) as KubeObject;
    const e = entry({
      kind: 'Prometheus',
      name: 'k8s',
      namespace: 'mon',
      uid: 'p',
      owned: ['/spec/size'],
      objectUrl: '/apis/monitoring.coreos.com/v1/namespaces/mon/prometheuses/k8s',
      rbac: { group: 'monitoring.coreos.com', resource: 'prometheuses' },
    });
    expect(planRestore(e, cr('1Gi'), cr('2Gi'), cr('2Gi'))).toMatchObject({
      steps: [{ path: '/apis/monitoring.coreos.com/v1/namespaces/mon/prometheuses/k8s' }],
      permissions: [{ verb: 'patch', group: 'monitoring.coreos.com', resource: 'prometheuses', namespace: 'mon' }],
    });
  });

  describe('one element of a list', () => {
    const taint = { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' };
    const first = { key: 'a', effect: 'NoSchedule' };
    const node = (taints?: unknown[]): KubeObject =>
      ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', uid: 'n', resourceVersion: '3' }, spec: taints ? { taints } : {} }) as KubeObject;
    const e = entry({ kind: 'Node', name: 'node-a', uid: 'n', owned: ['/spec/taints/[key=node.kubernetes.io~1out-of-service]'] });
    const ops = (plan: ReturnType<typeof planRestore>) => ('steps' in plan && plan.steps[0]!.kind === 'patch' ? plan.steps[0]!.patch.slice(2) : plan);

    it('at the head of the list is removed at index 0', () => {
      const plan = planRestore(e, node([first]), node([taint, first]), node([taint, first]));
      expect(ops(plan)).toEqual([
        { op: 'test', path: '/spec/taints/0', value: taint },
        { op: 'remove', path: '/spec/taints/0' },
      ]);
      expect('after' in plan && plan.after.spec?.taints).toEqual([first]);
    });

    it('changed by the repair is put back in its place, as it was', () => {
      const before = { ...taint, value: 'was' };
      const plan = planRestore(e, node([first, before]), node([first, taint]), node([first, taint]));
      expect(ops(plan)).toEqual([
        { op: 'test', path: '/spec/taints/1', value: taint },
        { op: 'replace', path: '/spec/taints/1', value: before },
      ]);
      expect('after' in plan && plan.after.spec?.taints).toEqual([first, before]);
    });

    it('removed by the repair from a list that still exists is appended to it', () => {
      const second = { key: 'b', effect: 'NoSchedule' };
      const plan = planRestore(e, node([taint, first, second]), node([first, second]), node([first, second]));
      expect(ops(plan)).toEqual([{ op: 'add', path: '/spec/taints/-', value: taint }]);
      expect('after' in plan && plan.after.spec?.taints).toEqual([first, second, taint]);
    });

    it('absent before, after and now needs no write but the tests', () => {
      const plan = planRestore(e, node([first]), node([first]), node([first]));
      expect(ops(plan)).toEqual([]);
      expect('after' in plan && plan.after.spec).toEqual({ taints: [first] });
      const none = planRestore(e, node(), node(), node());
      expect('after' in none && none.after.spec).toEqual({});
    });
  });

  it('a StatefulSet the repair re-created is re-created again from the backup, keeping what changed since in other fields', () => {
    const set = (uid: string, size: string, replicas: number): KubeObject =>
      ({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db', namespace: 'shop', uid, resourceVersion: '9', generation: 1 },
        spec: {
          replicas,
          selector: { matchLabels: { app: 'db' } },
          serviceName: 'db',
          template: {},
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: size } } } }],
        },
      }) as KubeObject;
    const e = entry({ kind: 'StatefulSet', name: 'db', namespace: 'shop', uid: 'old-uid', replaces: true, owned: ['/spec/volumeClaimTemplates'] });
    // the repair grew the template from 1Gi to 2Gi by re-creating (uid new-uid); someone scaled to 3 since
    const plan = planRestore(e, set('old-uid', '1Gi', 1), set('new-uid', '2Gi', 1), set('new-uid', '2Gi', 3)) as PlannedChange;
    expect(plan.summary).toBe('recreate StatefulSet db from the backup (orphaning delete + create)');
    // no managedFields on the set now: none to hand back
    expect(plan.steps.map((s) => s.kind)).toEqual(['delete-orphan', 'create', 'wait-adoption']);
    expect(plan.steps[0]).toMatchObject({ uid: 'new-uid' });
    expect(plan.steps.find((s) => s.kind === 'wait-adoption')).toMatchObject({ rollPods: [] });
    const created = (plan.steps[1] as { body: StatefulSet }).body;
    expect(created.spec?.replicas).toBe(3);
    expect(created.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.['storage']).toBe('1Gi');
    expect(plan.owned).toEqual(['/spec/volumeClaimTemplates']);
    expect(plan.notes).toEqual([]);
  });
});

describe('planUndo', () => {
  const setBefore = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'shop', uid: 's', resourceVersion: '9', generation: 4 },
    spec: { replicas: 1, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } }] },
  } as StatefulSet;
  const setAfter = structuredClone(setBefore);
  setAfter.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!['storage'] = '2Gi';
  const claimBefore = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data-db-0', namespace: 'shop', uid: 'c', resourceVersion: '3' },
    spec: { resources: { requests: { storage: '1Gi' } } },
  } as Claim;
  const claimAfter = structuredClone(claimBefore);
  claimAfter.spec!.resources!.requests!['storage'] = '2Gi';

  /** A backup of a resize: the claim grown (which cannot go back), then the template. */
  function resizeBackup(claimIrreversible: string | undefined) {
    const backup = Backup.create(fs.mkdtempSync(path.join(os.tmpdir(), 'undo-')), 'resize db --size 2Gi', 'https://x.invalid');
    const change = (before: KubeObject, after: KubeObject, kind: string, owned: string[], irreversible?: string): PlannedChange => ({
      target: { kind, namespace: 'shop', name: before.metadata!.name!, uid: before.metadata!.uid!, resourceVersion: '1' },
      summary: '',
      before,
      after,
      steps: [],
      permissions: [],
      warnings: [],
      notes: [],
      owned,
      ...(irreversible ? { irreversible } : {}),
    });
    const c = backup.add(change(claimBefore, claimAfter, 'PersistentVolumeClaim', ['/spec/resources/requests/storage'], claimIrreversible));
    const s = backup.add(change(setBefore, setAfter, 'StatefulSet', ['/spec/volumeClaimTemplates']));
    c.status = 'applied';
    s.status = 'applied';
    return { backup, c, s };
  }

  it("warns, on the template's change, that claims which cannot shrink stay above it", () => {
    const { backup, c, s } = resizeBackup(`${CANNOT_SHRINK}; it stays at 2Gi`);
    const { changes, refusals } = planUndo(
      backup,
      new Map<BackupEntry, KubeObject | undefined>([
        [c, claimAfter],
        [s, setAfter],
      ]),
    );
    expect(refusals).toEqual([
      { target: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-db-0' }, reasons: [`${CANNOT_SHRINK}; it stays at 2Gi`], noop: true },
    ]);
    expect(changes.map((x) => x.target.kind)).toEqual(['StatefulSet']);
    expect(changes[0]!.warnings).toEqual([
      'claims data-db-0 keep their grown size (claims cannot shrink), and the template goes back below them: the audit will report STS-017, and a scale-up creates claims of the old size; to keep the set in step, do not undo this backup',
    ]);
  });

  it('gives that warning to the StatefulSet only, not to the other objects undone with it', () => {
    const { backup, c, s } = resizeBackup(`${CANNOT_SHRINK}; it stays at 2Gi`);
    const pvBefore = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv-0', uid: 'p', resourceVersion: '4' },
      spec: { persistentVolumeReclaimPolicy: 'Delete' },
    } as KubeObject;
    const pvAfter = { ...pvBefore, spec: { persistentVolumeReclaimPolicy: 'Retain' } } as KubeObject;
    const v = backup.add({
      target: { kind: 'PersistentVolume', name: 'pv-0', uid: 'p', resourceVersion: '4' },
      summary: '',
      before: pvBefore,
      after: pvAfter,
      steps: [],
      permissions: [],
      warnings: [],
      notes: [],
      owned: ['/spec/persistentVolumeReclaimPolicy'],
    });
    v.status = 'applied';
    const { changes } = planUndo(
      backup,
      new Map<BackupEntry, KubeObject | undefined>([
        [c, claimAfter],
        [s, setAfter],
        [v, pvAfter],
      ]),
    );
    expect(changes.map((x) => [x.target.kind, x.warnings.length])).toEqual([
      ['StatefulSet', 1],
      ['PersistentVolume', 0],
    ]);
  });

  it('gives no such warning when the claims can go back, or for changes that are not of a StatefulSet', () => {
    const { backup, c, s } = resizeBackup(undefined);
    const { changes } = planUndo(
      backup,
      new Map<BackupEntry, KubeObject | undefined>([
        [c, claimAfter],
        [s, setAfter],
      ]),
    );
    expect(changes.map((x) => [x.target.kind, x.warnings])).toEqual([
      ['PersistentVolumeClaim', []],
      ['StatefulSet', []],
    ]);
    const other = resizeBackup('the repair cannot be undone for another reason');
    const planned = planUndo(
      other.backup,
      new Map<BackupEntry, KubeObject | undefined>([
        [other.c, claimAfter],
        [other.s, setAfter],
      ]),
    );
    expect(planned.changes[0]!.warnings).toEqual([]);
  });

  it('a gone object is a refusal beside the other changes', () => {
    const { backup, c, s } = resizeBackup(undefined);
    const { changes, refusals } = planUndo(backup, new Map<BackupEntry, KubeObject | undefined>([[s, setAfter]]));
    expect(changes.map((x) => x.target.name)).toEqual(['db']);
    expect(refusals).toEqual([
      { target: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: c.name }, reasons: ['it no longer exists; nothing to restore onto'] },
    ]);
  });
});
