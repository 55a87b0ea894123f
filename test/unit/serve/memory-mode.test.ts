import { describe, expect, it } from 'vitest';
import { favourMemory } from '../../../src/serve/memory-mode.js';

describe('serve --low-memory', () => {
  it("sets V8's optimize-for-size mode, and nothing else", () => {
    const set: string[] = [];
    favourMemory((flags) => set.push(flags));
    expect(set).toEqual(['--optimize-for-size']);
  });
});
