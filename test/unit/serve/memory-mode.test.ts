import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { collectorBeforeAudits, favourMemory } from '../../../src/serve/memory-mode.js';

describe('serve --low-memory', () => {
  it("sets V8's optimize-for-size mode, and nothing else", () => {
    const set: string[] = [];
    favourMemory((flags) => set.push(flags));
    expect(set).toEqual(['--optimize-for-size']);
  });

  it('collects, before an audit, what nothing holds any more', async () => {
    const collect = collectorBeforeAudits();
    // An object only a WeakRef points to, made in an earlier turn (a WeakRef keeps its target for
    // the rest of the turn it was made or read in).
    let garbage: number[][] | undefined = Array.from({ length: 1000 }, () => [1, 2, 3]);
    const ref = new WeakRef(garbage);
    garbage = undefined;
    await nextTurn();
    collect();
    expect(ref.deref()).toBeUndefined();
  });
});
