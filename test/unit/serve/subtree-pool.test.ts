import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../../src/checks/index.js';
import type { KubeObject } from '../../../src/kube/types.js';
import { hashString, SubtreePool } from '../../../src/serve/subtree-pool.js';
import { findingsOfCase, loadFixture } from '../checks/fixture-loader.js';

const claim = (name: string, uid: string) => ({
  metadata: { name, namespace: 'shop', uid, resourceVersion: '7', labels: { app: 'db' }, finalizers: ['kubernetes.io/pvc-protection'] },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'fast', volumeName: `pv-${name}` },
  status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] },
});

describe('SubtreePool', () => {
  it('leaves every value as it was, and each object its own root', () => {
    const pool = new SubtreePool();
    const a = claim('data-db-0', 'u-0');
    const before = structuredClone(a);
    expect(pool.internAll(a)).toBe(a);
    expect(a).toEqual(before);
  });

  it('makes equal subtrees of two objects one, and keeps what holds an identity apart', () => {
    const pool = new SubtreePool();
    const a = pool.internAll(claim('data-db-0', 'u-0'));
    const b = pool.internAll(claim('data-db-1', 'u-1'));
    expect(b.status).toBe(a.status);
    expect(b.spec.resources).toBe(a.spec.resources);
    expect(b.spec.accessModes).toBe(a.spec.accessModes);
    // The same modes under spec and status: one array.
    expect(a.status.accessModes).toBe(a.spec.accessModes);
    expect(b.metadata.labels).toBe(a.metadata.labels);
    expect(b.metadata.finalizers).toBe(a.metadata.finalizers);
    // Each claim's spec names its own volume; metadata holds a uid.
    expect(b.spec).not.toBe(a.spec);
    expect(b.metadata).not.toBe(a.metadata);
    // A uid makes its node and every node above it the object's own, even when equal.
    const ref = { claimRef: { name: 'x', uid: 'u-9' } };
    const again = { claimRef: { name: 'x', uid: 'u-9' } };
    pool.internAll(ref);
    pool.internAll(again);
    expect(again.claimRef).not.toBe(ref.claimRef);
  });

  it('tells apart values of different types and order', () => {
    const pool = new SubtreePool();
    const o = pool.internAll({ a: { n: 1 }, b: { n: '1' }, c: { n: true }, d: { n: 'true' }, e: [1, 2], f: [2, 1], g: {}, h: [], i: { x: null } });
    expect(o.a).not.toBe(o.b);
    expect(o.c).not.toBe(o.d);
    expect(o.e).not.toBe(o.f);
    expect(o.g).not.toBe(o.h);
    expect(o).toEqual({ a: { n: 1 }, b: { n: '1' }, c: { n: true }, d: { n: 'true' }, e: [1, 2], f: [2, 1], g: {}, h: [], i: { x: null } });
  });

  it('keeps unequal subtrees of one hash apart', () => {
    // Two strings of one 32-bit FNV-1a hash, found by the birthday bound.
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const s = `v${i}`;
      const h = hashString(s);
      const other = seen.get(h);
      if (other !== undefined) pair = [other, s];
      else seen.set(h, s);
    }
    const pool = new SubtreePool();
    const first = pool.internAll({ x: { v: pair[0] } });
    const second = pool.internAll({ x: { v: pair[1] } });
    const third = pool.internAll({ x: { v: pair[1] } });
    expect(second.x).not.toBe(first.x);
    expect(second.x.v).toBe(pair[1]);
    expect(third.x).toBe(second.x);
    expect(pool.internAll({ x: { v: pair[0] } }).x).toBe(first.x);
  });

  it('freezes what it shares, so no one object can change it for the others', () => {
    const pool = new SubtreePool();
    const a = pool.internAll(claim('data-db-0', 'u-0'));
    const b = pool.internAll(claim('data-db-1', 'u-1'));
    expect(() => {
      (a.spec.resources.requests as Record<string, string>)['storage'] = '2Gi';
    }).toThrow(TypeError);
    expect(() => a.spec.accessModes.push('ReadOnlyMany')).toThrow(TypeError);
    expect(b.spec.resources.requests.storage).toBe('1Gi');
    // An object's own nodes stay writable (its metadata, its spec naming its volume).
    a.metadata.resourceVersion = '8';
    expect(a.metadata.resourceVersion).toBe('8');
  });

  it('holds at most two generations, however many subtrees pass through', () => {
    const pool = new SubtreePool(undefined, 10);
    for (let i = 0; i < 1000; i++) pool.internAll({ metadata: { uid: `u-${i}` }, spec: { size: `${i}Gi` } });
    expect(pool.size).toBeLessThanOrEqual(20);
    expect(pool.size).toBeGreaterThan(10);
  });

  it('gives back equal values for any JSON (generated)', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(fc.array(json, { maxLength: 6 }), (values) => {
        const pool = new SubtreePool();
        const kept = structuredClone(values).map((v) => pool.internAll(v));
        expect(kept).toEqual(values);
        // Interning again finds what is kept: the same values, equal still.
        expect(structuredClone(values).map((v) => pool.internAll(v))).toEqual(values);
      }),
    );
  });

  // What serve's stores hold, through every check: each fixture case's objects (given the uid the API server
  // gives every object) yield the same findings interned and frozen as they do as parsed. A check that wrote
  // into an object it read would throw here (a frozen node) or report differently.
  it('changes no finding of any check', () => {
    let shared = 0;
    for (const check of ALL_CHECKS) {
      for (const c of loadFixture(check.id).filter((x) => !x.manifest)) {
        const objects = c.objects.map((o, i) => withUid(o, `${c.name}-${i}`));
        const plain = findingsOfCase(check, { ...c, objects: structuredClone(objects) });
        const pool = new SubtreePool();
        const kept = structuredClone(objects).map((o) => pool.internAll(o));
        shared += pool.size;
        expect(findingsOfCase(check, { ...c, objects: kept }), `${check.code} ${c.name}`).toEqual(plain);
      }
    }
    expect(shared).toBeGreaterThan(1000);
  });
});

function withUid(object: KubeObject, uid: string): KubeObject {
  const o = structuredClone(object);
  return { ...o, metadata: { ...o.metadata, uid: o.metadata?.uid ?? `uid-${uid}` } };
}
