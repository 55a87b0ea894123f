// What serve keeps compressed must come back byte for byte: any text, read
// whole through open(), is the text given.
import { text } from 'node:stream/consumers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompressedText } from '../../../src/serve/compressed-text.js';

describe('CompressedText', () => {
  it('gives back any text as given', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }), async (s) => {
        const kept = CompressedText.of(s);
        expect(await text(kept.open())).toBe(s);
        // and can be read again
        expect(await text(kept.open())).toBe(s);
      }),
    );
  });

  it('keeps a large repetitive text (a findings exposition) in a small part of its size', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `sts_storage_finding{code="STS-015",severity="warning",namespace="ns-${i}",name="pv-${i}"} 1\n`).join(
      '',
    );
    const kept = CompressedText.of(lines);
    expect(kept.gzip.length).toBeLessThan(lines.length / 8);
    expect(await text(kept.open())).toBe(lines);
  });
});
