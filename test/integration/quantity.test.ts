// Quantities against the API server itself: on a sample of the forms it
// accepts (every suffix, exponents, fractions, signs, generated sizes) the
// text the server writes back means the same number of bytes as
// parseQuantity reads; what formatBytes writes for a whole binary size is
// the server's canonical text (it comes back unchanged); and what
// parseQuantity refuses, the server refuses too. One server dry run per
// value: nothing is stored.
//
// The server does not always canonicalize: ParseQuantity keeps the text as
// written when it looks canonical enough ("5.Mi", "1e3" come back as sent,
// "1000000" comes back "1M"), so quantities are compared by value, never by
// text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { skipReason, useSandbox } from './helpers.js';
import { ApiError } from '../../src/kube/errors.js';
import { formatBytes, parseQuantity } from '../../src/kube/quantity.js';
import type { Claim } from '../../src/kube/types.js';

describe.skipIf(!!skipReason)('quantities as the API server reads and writes them', () => {
  const sandbox = useSandbox();

  /** The server's canonical text for a claim request, or the reason it refuses it. */
  async function canonical(ns: string, storage: string): Promise<{ text: string } | { refused: string }> {
    try {
      const claim = await sandbox.cluster.client.request<Claim>('POST', `/api/v1/namespaces/${ns}/persistentvolumeclaims`, {
        query: { dryRun: 'All' },
        body: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { generateName: 'q-' },
          spec: { storageClassName: `none-${ns}`, accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
        },
      });
      return { text: String(claim.spec?.resources?.requests?.['storage']) };
    } catch (err) {
      // A text that is no quantity fails decoding (400), before validation (422) is reached.
      if (err instanceof ApiError && (err.status === 400 || err.status === 422)) return { refused: err.message };
      throw err;
    }
  }

  it('agrees with the server on what every accepted form means, and refuses what it refuses', async () => {
    const ns = await sandbox.cluster.namespace('qty');
    const written = [
      '1Gi',
      '1536Mi',
      '1.5Gi',
      '.5Ki',
      '12.5Gi',
      '5.Mi',
      '+2Ki',
      '10G',
      '3k',
      '4M',
      '1T',
      '2P',
      '1Ti',
      '1Pi',
      '1e3',
      '1E3',
      '2e+3',
      '1e12',
      '12',
      '1000000',
      '1024',
      '0.5Gi',
      '1.25T',
      '100Mi',
      '7e9',
      '1048576k',
    ];
    // Sizes a claim can hold, generated: whole bytes in every binary unit.
    const generated = fc.sample(
      fc.tuple(fc.integer({ min: 1, max: 4096 }), fc.constantFrom('Ki', 'Mi', 'Gi', 'Ti', '', 'k', 'M', 'G')).map(([n, u]) => `${n}${u}`),
      { numRuns: 40, seed: 20261206 },
    );
    for (const text of [...written, ...generated]) {
      const server = await canonical(ns, text);
      expect('text' in server, `${text}: ${JSON.stringify(server)}`).toBe(true);
      if (!('text' in server)) continue;
      const ours = parseQuantity(text)!;
      // The server's text means what ours does, to the byte (floating point aside).
      expect(parseQuantity(server.text), `${text} -> ${server.text}`).toBeCloseTo(ours, 0);
      // What formatBytes writes for a whole binary size is canonical: the server keeps it as it is.
      if (/(Ki|Mi|Gi|Ti|Pi)$/.test(text) && Number.isInteger(ours) && ours >= 1024) {
        const back = await canonical(ns, formatBytes(ours));
        expect(back, `${text} -> ${formatBytes(ours)}`).toEqual({ text: formatBytes(ours) });
      }
    }
    for (const text of ['1Gb', '1.5.5Gi', 'Gi', '1 Gi', '0x10', '1e', 'one']) {
      expect(parseQuantity(text), text).toBeUndefined();
      const server = await canonical(ns, text);
      expect('refused' in server, `${text}: the server accepted it as ${JSON.stringify(server)}`).toBe(true);
    }
  });
});
