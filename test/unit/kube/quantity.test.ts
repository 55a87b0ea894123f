// Quantities as the API server writes them (apimachinery resource.Quantity):
// every suffix, exponents, signs, fractions, and the canonical text
// formatBytes prints back. Generated inputs check that formatting then parsing
// gives the same number of bytes for every size a claim can hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBytes, parseQuantity } from '../../../src/kube/quantity.js';

describe('parseQuantity', () => {
  it.each([
    ['1Gi', 2 ** 30],
    ['1536Mi', 1536 * 2 ** 20],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['.5Ki', 512],
    ['.25Ki', 256],
    ['12.5Gi', 12.5 * 2 ** 30],
    ['1e12', 1e12],
    ['5.Mi', 5 * 2 ** 20],
    ['+2Ki', 2048],
    ['-1Ki', -1024],
    ['10G', 10e9],
    ['3k', 3000],
    ['4M', 4e6],
    ['1T', 1e12],
    ['2P', 2e15],
    ['1E', 1e18],
    ['1Ti', 2 ** 40],
    ['1Pi', 2 ** 50],
    ['1Ei', 2 ** 60],
    ['500m', 0.5],
    ['1e3', 1000],
    ['1E3', 1000],
    ['2e+3', 2000],
    ['5e-3', 0.005],
    ['12', 12],
    [' 1Gi ', 2 ** 30],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseQuantity(text)).toBeCloseTo(bytes, 6);
  });

  it.each(['', 'Gi', '1 Gi', '1GiB', '1gi', '1e', 'e3', '1.2.3', '--1', 'x1Gi', '1Gix', '1e3Gi', '.', '1ee3'])('refuses %j', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });

  it('takes numbers as they are and nothing else that is not a string', () => {
    expect(parseQuantity(42)).toBe(42);
    for (const v of [undefined, null, {}, ['1Gi'], true]) expect(parseQuantity(v)).toBeUndefined();
  });
});

describe('formatBytes', () => {
  it.each([
    [undefined, '?'],
    [0, '0'],
    [1023, '1023'],
    [1024, '1Ki'],
    [1536, '1536'],
    [2 ** 20, '1Mi'],
    [1536 * 2 ** 20, '1536Mi'],
    [2 ** 30, '1Gi'],
    [2 ** 40, '1Ti'],
    [2 ** 50, '1Pi'],
    // Pi is the largest unit it prints: an exabyte stays in Pi.
    [2 ** 60, '1024Pi'],
    [10e9, '9765625Ki'],
    [10e9 + 1, '10000000001'],
  ])('%s prints as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('round-trips every whole size of a claim, from bytes to petabytes', () => {
    const unit = fc.constantFrom(1, 2 ** 10, 2 ** 20, 2 ** 30, 2 ** 40, 2 ** 50);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 20 }), unit, (n, u) => {
        const bytes = n * u;
        expect(parseQuantity(formatBytes(bytes))).toBe(bytes);
      }),
    );
  });

  it('parses what the API server would write for a size, in any unit, to the same bytes', () => {
    const suffixes: Array<[string, number]> = [
      ['Ki', 2 ** 10],
      ['Mi', 2 ** 20],
      ['Gi', 2 ** 30],
      ['k', 1e3],
      ['M', 1e6],
      ['G', 1e9],
    ];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom(...suffixes), (n, [suffix, factor]) => {
        expect(parseQuantity(`${n}${suffix}`)).toBe(n * factor);
        expect(parseQuantity(`${n}e3`)).toBe(n * 1000);
      }),
    );
  });
});
