// compareText sorts what the tool sorts as localeCompare did, without ICU's
// collation data: Kubernetes names (lowercase DNS labels and subdomains),
// "namespace/name" keys, finding codes and RFC 3339 times.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareText } from '../../../src/kube/text-order.js';

const sign = (n: number) => Math.sign(n);
const from = (chars: string, maxLength = 12) => fc.string({ unit: fc.constantFrom(...chars), maxLength });

describe('compareText', () => {
  it.each([
    ['object names and "namespace/name" keys', from('abcdz0129-./')],
    ['finding codes', from('PVSTC-0123')],
    [
      'RFC 3339 times',
      fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    ],
  ])('orders %s as localeCompare does', (_, text) => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(sign(compareText(a, b))).toBe(sign(a.localeCompare(b)));
      }),
      { numRuns: 3000 },
    );
  });

  it('puts the sentinel U+FFFF after any name, as localeCompare does', () => {
    fc.assert(
      fc.property(from('abcz09-./'), (a) => {
        expect(compareText(a, '\uffff')).toBeLessThan(0);
      }),
    );
    expect('zzz'.localeCompare('\uffff')).toBeLessThan(0);
  });
});
