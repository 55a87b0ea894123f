// listOf writes what Intl.ListFormat('en', conjunction) writes, without
// loading ICU's list data into serve: the two held together on any names.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listOf } from '../../../src/checks/helpers.js';

describe('listOf', () => {
  const intl = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });

  it('lists any names as Intl.ListFormat does', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 8 }), (names) => {
        expect(listOf(names)).toBe(intl.format(names));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes the three shapes of a message', () => {
    expect(listOf(['data-db-1'])).toBe('data-db-1');
    expect(listOf(['data-db-1', 'data-db-2'])).toBe('data-db-1 and data-db-2');
    expect(listOf(['a', 'b', 'c'])).toBe('a, b, and c');
  });
});
