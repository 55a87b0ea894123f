// The integration tests share one control plane and run at once; the binder
// gives a free PV to any Pending claim it fits. Every PV a test makes is
// therefore reserved for that test: a class of its own or a claimRef into its
// namespace (a free 1Gi PV of class "" once went to another test's data-web-0).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { volume } from '../../integration/fixtures.js';

const INTEGRATION = path.resolve(import.meta.dirname, '../../integration');
// Files whose PersistentVolume objects never reach the cluster's store.
const NEVER_STORED: Record<string, string> = {
  'manifest-verdicts.test.ts': 'sent with dryRun=All only',
  'preflight.test.ts': 'pv-bad is refused by the manifest reader and never created',
};

describe('free PVs in the integration tests', () => {
  it('volume() refuses a PV that any test could bind', () => {
    expect(() => volume('pv-x')).toThrow(/storageClassName or a claimRef/);
    expect(() => volume('pv-x', { storageClassName: '' })).toThrow(/storageClassName or a claimRef/);
    expect(volume('pv-x', { storageClassName: 'mine-ns1' }).spec.storageClassName).toBe('mine-ns1');
    expect(volume('pv-x', { claimRef: { namespace: 'ns1', name: 'data-web-0' } }).spec['claimRef']).toMatchObject({ namespace: 'ns1', name: 'data-web-0' });
  });

  it('every PersistentVolume written out in a test file carries a claimRef', () => {
    const unreserved: string[] = [];
    let examined = 0;
    for (const file of fs.readdirSync(INTEGRATION).filter((f) => f.endsWith('.ts') && f !== 'fixtures.ts' && !NEVER_STORED[f])) {
      const text = fs.readFileSync(path.join(INTEGRATION, file), 'utf8');
      for (const m of text.matchAll(/kind: 'PersistentVolume',/g)) {
        examined++;
        if (!/claimRef:/.test(objectLiteralAround(text, m.index))) unreserved.push(`${file}:${text.slice(0, m.index).split('\n').length}`);
      }
    }
    expect(examined).toBeGreaterThanOrEqual(3);
    expect(unreserved).toEqual([]);
  });

  it('the scan reads the whole object literal and no further', () => {
    const text = "a({ apiVersion: 'v1', kind: 'PersistentVolume', spec: { x: { y: 1 } } }); b({ claimRef: {} });";
    expect(objectLiteralAround(text, text.indexOf('kind:'))).not.toContain('claimRef');
  });
});

/** The `{ … }` that encloses position `at`, braces counted. */
function objectLiteralAround(text: string, at: number): string {
  let depth = 0;
  let start = at;
  for (; start >= 0; start--) {
    if (text[start] === '}') depth++;
    else if (text[start] === '{' && depth-- === 0) break;
  }
  depth = 0;
  for (let end = start; end < text.length; end++) {
    if (text[end] === '{') depth++;
    else if (text[end] === '}' && --depth === 0) return text.slice(start, end + 1);
  }
  return text.slice(start);
}
