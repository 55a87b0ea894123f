// The helpers every planner builds its writes with: JSON pointers (RFC 6901
// escapes, and the "[key=value]" selector for one element of a list others
// write too), the preconditions every write carries, and the equality undo
// uses to decide whether a field has moved on.
import { describe, expect, it } from 'vitest';
import {
  annotate,
  concretePointer,
  deepEqual,
  dropChangesIfRefused,
  isKeyed,
  keyed,
  pointer,
  preconditions,
  specPreconditions,
  targetOf,
  unescapePointer,
  valueAt,
  type JsonPatchOp,
  type Plan,
} from '../../../src/fixes/plan.js';
import type { KubeObject } from '../../../src/kube/types.js';

const node = {
  metadata: { name: 'n', annotations: { 'a/b~c': 'v' } },
  spec: {
    taints: [
      { key: 'x', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown' },
    ],
  },
};

describe('pointers', () => {
  it('escapes "~" before "/" and unescapes in the reverse order', () => {
    expect(pointer('metadata', 'annotations', 'a/b~c', 0)).toBe('/metadata/annotations/a~1b~0c/0');
    expect(unescapePointer('a~1b~0c')).toBe('a/b~c');
    // "~01" is "~1" escaped, not "/": the order matters.
    expect(unescapePointer('~01')).toBe('~1');
  });

  it('reads a value through keys, indexes and selectors, and nothing through a scalar or a missing element', () => {
    expect(valueAt(node, '/metadata/annotations/a~1b~0c')).toBe('v');
    expect(valueAt(node, '/spec/taints/0/key')).toBe('x');
    const sel = pointer('spec', 'taints', keyed('key', 'node.kubernetes.io/out-of-service'));
    expect(sel).toBe('/spec/taints/[key=node.kubernetes.io~1out-of-service]');
    expect(valueAt(node, sel)).toEqual({ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown' });
    expect(valueAt(node, `${sel}/value`)).toBe('nodeshutdown');
    expect(valueAt(node, '/spec/taints/[key=absent]')).toBeUndefined();
    expect(valueAt(node, '/metadata/name/deeper')).toBeUndefined();
    expect(valueAt({ a: null }, '/a/b')).toBeUndefined();
    expect(valueAt(node, '')).toBe(node);
  });

  it('turns a selector into the index it has now, or nothing when it is not there', () => {
    expect(concretePointer(node, '/spec/taints/[key=node.kubernetes.io~1out-of-service]')).toBe('/spec/taints/1');
    expect(concretePointer(node, '/spec/taints/[key=x]/effect')).toBe('/spec/taints/0/effect');
    expect(concretePointer(node, '/spec/taints/[key=absent]')).toBeUndefined();
    expect(concretePointer(node, '/metadata/[key=x]')).toBeUndefined();
    expect(concretePointer(node, '/metadata/annotations/a~1b~0c')).toBe('/metadata/annotations/a~1b~0c');
    expect(concretePointer({ list: [null, 'x', { key: 'k' }] }, '/list/[key=k]')).toBe('/list/2');
  });

  it('knows a selector only in the last segment, and only of the form [field=value]', () => {
    expect(isKeyed('/spec/taints/[key=x]')).toBe(true);
    expect(isKeyed('/spec/taints/[key=a~1b]')).toBe(true);
    expect(isKeyed('/spec/taints/[key=x]/value')).toBe(false);
    expect(isKeyed('/spec/taints/[=x]')).toBe(false);
    expect(isKeyed('/spec/taints/key=x')).toBe(false);
    expect(isKeyed('/spec/taints/0')).toBe(false);
    // the whole segment, not a part of it
    expect(isKeyed('/spec/taints/x[key=a]')).toBe(false);
    expect(isKeyed('/spec/taints/[key=a]x')).toBe(false);
  });

  it('finds no element through a null on the way', () => {
    expect(concretePointer({ a: null }, '/a/b/[key=x]')).toBeUndefined();
  });
});

describe('deepEqual', () => {
  it('compares by value, ignoring keys whose value is undefined, telling arrays from objects', () => {
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 2 })).toBe(false);
    expect(deepEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(deepEqual({ a: 1, b: 2 }, { a: 1, c: 2 })).toBe(false);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual([], {})).toBe(false);
    expect(deepEqual({ 0: 'x' }, ['x'])).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
    expect(deepEqual(undefined, null)).toBe(false);
    expect(deepEqual('1', 1)).toBe(false);
    expect(deepEqual(undefined, undefined)).toBe(true);
    // either side: an undefined value is no key, null is no object, a string is no object
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(deepEqual({}, null)).toBe(false);
    expect(deepEqual('ab', { 0: 'a', 1: 'b' })).toBe(false);
    expect(deepEqual({ 0: 'a', 1: 'b' }, 'ab')).toBe(false);
  });
});

describe('what every write carries', () => {
  const object = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'shop', uid: 'u', resourceVersion: '9', generation: 4 },
  } as KubeObject;

  it('tests uid and resourceVersion, or for a StatefulSet uid and generation', () => {
    expect(preconditions(object)).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'u' },
      { op: 'test', path: '/metadata/resourceVersion', value: '9' },
    ]);
    expect(specPreconditions(object)).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'u' },
      { op: 'test', path: '/metadata/generation', value: 4 },
    ]);
  });

  it('names its target with the version it was planned against, a cluster-scoped one without namespace', () => {
    expect(targetOf('StatefulSet', object)).toEqual({ kind: 'StatefulSet', namespace: 'shop', name: 'db', uid: 'u', resourceVersion: '9' });
    expect(targetOf('PersistentVolume', { metadata: { name: 'pv' } } as KubeObject)).toEqual({
      kind: 'PersistentVolume',
      name: 'pv',
      uid: '',
      resourceVersion: '',
    });
  });

  it('adds one annotation to a map that exists, or the whole map, and owns only that key', () => {
    const with_ = { metadata: { name: 'c', annotations: { keep: '1' } } } as KubeObject;
    const after = structuredClone(with_);
    const patch: JsonPatchOp[] = [];
    expect(annotate(with_, after, patch, 'sts-storage.kubectl.io/x', 'y')).toBe('/metadata/annotations/sts-storage.kubectl.io~1x');
    expect(patch).toEqual([{ op: 'add', path: '/metadata/annotations/sts-storage.kubectl.io~1x', value: 'y' }]);
    expect(after.metadata?.annotations).toEqual({ keep: '1', 'sts-storage.kubectl.io/x': 'y' });

    const without = { metadata: { name: 'c' } } as KubeObject;
    const after2 = structuredClone(without);
    const patch2: JsonPatchOp[] = [];
    annotate(without, after2, patch2, 'k', 'v');
    expect(patch2).toEqual([{ op: 'add', path: '/metadata/annotations', value: { k: 'v' } }]);
    expect(after2.metadata).toEqual({ name: 'c', annotations: { k: 'v' } });
  });
});

describe('dropChangesIfRefused', () => {
  const plan = (refusals: Plan['refusals'], changes = 2) =>
    ({ command: 'x', changes: Array.from({ length: changes }, () => ({}) as never), refusals, warnings: [] as string[] }) as Plan & { warnings: string[] };
  const why = (n: number) => `${n} ready, none made`;

  it('drops every change when a part is refused, and says how many were ready', () => {
    const p = plan([{ target: { kind: 'PersistentVolumeClaim', name: 'a' }, reasons: ['no'] }]);
    dropChangesIfRefused(p, why);
    expect(p.changes).toEqual([]);
    expect(p.warnings).toEqual(['2 ready, none made']);
  });

  it('keeps them when the only refusals have nothing to do, or there is nothing to drop', () => {
    const noop = plan([{ target: { kind: 'PersistentVolumeClaim', name: 'a' }, reasons: ['already'], noop: true }]);
    dropChangesIfRefused(noop, why);
    expect([noop.changes.length, noop.warnings]).toEqual([2, []]);
    const empty = plan([{ target: { kind: 'PersistentVolumeClaim', name: 'a' }, reasons: ['no'] }], 0);
    dropChangesIfRefused(empty, why);
    expect(empty.warnings).toEqual([]);
  });
});
