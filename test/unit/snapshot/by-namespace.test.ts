// The snapshot's lookups by namespace and name answer as the single map keyed
// by keyOf(namespace, name) did (a missing namespace or name is ""), checked
// against that map over generated items.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyOf } from '../../../src/kube/types.js';
import { groupByNamespace, indexByNamespace } from '../../../src/snapshot/by-namespace.js';

// Few values, so that items collide: the same name in two namespaces, "" beside undefined.
const part = fc.constantFrom(undefined, '', 'a', 'b', 'data-app-0');
const item = fc.record({ namespace: part, name: part, keyed: fc.boolean() });
type Item = { namespace: string | undefined; name: string | undefined; keyed: boolean };
const keyOfItem = (i: Item): [string | undefined, string | undefined] | undefined => (i.keyed ? [i.namespace, i.name] : undefined);

describe('lookups by namespace and name', () => {
  it('index: the last item of each key, as a map keyed by keyOf', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), fc.array(fc.tuple(part, part), { maxLength: 10 }), (items, probes) => {
        const index = indexByNamespace(items, keyOfItem);
        const reference = new Map(items.filter((i) => i.keyed).map((i) => [keyOf(i.namespace, i.name), i]));
        for (const [ns, name] of [...items.map((i) => [i.namespace, i.name] as const), ...probes]) {
          expect(index.get(ns, name)).toBe(reference.get(keyOf(ns, name)));
        }
      }),
    );
  });

  it('group: the items of each key in their order; items without a key are left out', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), (items) => {
        const groups = groupByNamespace(items, keyOfItem);
        for (const i of items) {
          const expected = items.filter((j) => j.keyed && (j.namespace ?? '') === (i.namespace ?? '') && (j.name ?? '') === (i.name ?? ''));
          expect(groups.get(i.namespace, i.name) ?? []).toEqual(expected);
        }
      }),
    );
  });

  it('undefined and "" are one namespace, and one name', () => {
    const index = indexByNamespace([{ namespace: undefined, name: undefined, keyed: true }], keyOfItem);
    expect(index.get('', '')).toEqual({ namespace: undefined, name: undefined, keyed: true });
    expect(index.get('a', '')).toBeUndefined();
  });
});
