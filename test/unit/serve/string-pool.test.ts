import { describe, expect, it } from 'vitest';
import { StringPool } from '../../../src/serve/string-pool.js';

// Two equal strings built at run time are two copies; the pool's job is to make them one. Whether two
// strings are one copy cannot be seen from JavaScript, so these tests check what can: the values are
// unchanged, the objects are the same objects, and the pool stays within its bound.
const copy = (s: string) => [...s].join('');

describe('StringPool', () => {
  it('hands out one entry per value', () => {
    const pool = new StringPool();
    for (let i = 0; i < 100; i++) expect(pool.intern(copy('ReadWriteOnce'))).toBe('ReadWriteOnce');
    expect(pool.size).toBe(1);
    expect(pool.has('ReadWriteOnce')).toBe(true);
  });

  it('holds at most two generations, however many values pass through', () => {
    const pool = new StringPool(10);
    for (let i = 0; i < 1000; i++) pool.intern(`value-${i}`);
    expect(pool.size).toBeLessThanOrEqual(20);
    expect(pool.size).toBeGreaterThan(10);
  });

  it('keeps a value seen again while the generation it was in is dropped', () => {
    const pool = new StringPool(3);
    for (const v of ['kept', 'a', 'b', 'c']) pool.intern(v); // a full generation: "c" starts the next one
    pool.intern('kept'); // seen again: carried into the newer generation
    for (const v of ['d', 'e']) pool.intern(v); // full again: the generation of "a" and "b" is dropped
    expect(['kept', 'a', 'b', 'c', 'd', 'e'].filter((v) => pool.has(v))).toEqual(['kept', 'c', 'd', 'e']);
  });

  it('leaves long values out of the pool', () => {
    const pool = new StringPool(10, 8);
    pool.intern('x'.repeat(9));
    pool.intern('short');
    expect(pool.has('short')).toBe(true);
    expect(pool.has('x'.repeat(9))).toBe(false);
  });
});
