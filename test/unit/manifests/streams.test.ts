// Generated manifest streams through `audit -f`, in-process: YAML documents
// of the kinds the audit reads with fields of the wrong type, duplicates,
// documents of other kinds, broken YAML and binary noise. Whatever comes in,
// the audit either reports (exit 0 or 1, a JSON report on stdout) or exits 2
// naming the file and the document; it never throws, and never prints a
// report when a document could not be read.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import type { AuditReport } from '../../../src/output/report.js';
import { memoryIO } from '../../integration/io.js';

const anyValue = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }));
const kind = fc.constantFrom('StatefulSet', 'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', 'Service', 'ConfigMap', 'Secret', 42, '');
const apiVersion = fc.constantFrom('apps/v1', 'v1', 'storage.k8s.io/v1', 'bogus/v9', 7);
const name = fc.constantFrom('db', 'web', 'data-db-0', 'x'.repeat(64), 'Bad_Name', '', 3);

/** A document that looks like an object of a kind the audit reads, with any field possibly of the wrong type. */
const object = fc.record(
  {
    apiVersion,
    kind,
    metadata: fc.oneof(fc.record({ name, namespace: fc.constantFrom('shop', '', 'Bad NS'), labels: fc.oneof(fc.constant({ app: 'db' }), anyValue) }), anyValue),
    spec: fc.oneof(
      fc.record({
        replicas: fc.oneof(fc.integer({ min: -1, max: 3 }), anyValue),
        serviceName: fc.oneof(name, anyValue),
        selector: fc.oneof(fc.constant({ matchLabels: { app: 'db' } }), anyValue),
        template: fc.oneof(fc.constant({ metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }), anyValue),
        volumeClaimTemplates: fc.oneof(
          fc.constant([{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }]),
          anyValue,
        ),
        accessModes: fc.oneof(fc.constant(['ReadWriteOnce']), anyValue),
        resources: fc.oneof(fc.constant({ requests: { storage: '1Gi' } }), anyValue),
        capacity: fc.oneof(fc.constant({ storage: '1Gi' }), anyValue),
        hostPath: fc.oneof(fc.constant({ path: '/d' }), anyValue),
      }),
      anyValue,
    ),
    provisioner: fc.oneof(fc.constant('example.com/csi'), anyValue),
  },
  { requiredKeys: ['kind'] },
);
const document = fc.oneof(
  { weight: 6, arbitrary: object.map((o) => stringify(o)) },
  { weight: 1, arbitrary: fc.constantFrom('metadata: {name: x\n', 'kind: [\n', ': :\n', '- a\n- b\n', '"unterminated\n', 'a: &x\nb: *y\n') },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')) },
  { weight: 1, arbitrary: fc.constant('') },
);
const stream = fc.array(document, { minLength: 1, maxLength: 5 }).map((docs) => docs.join('\n---\n'));

describe('audit -f on generated manifest streams', () => {
  it('reports, or exits 2 naming the file and the document: never a throw, never a report after an unreadable document', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sts-streams-'));
    await fc.assert(
      fc.asyncProperty(stream, async (text) => {
        const file = path.join(dir, 'stream.yaml');
        fs.writeFileSync(file, text, 'latin1');
        const io = memoryIO();
        const code = await main(['audit', '-f', file, '-o', 'json', '--now', '2026-01-01T12:00:00Z'], io);
        const [out, err] = [io.out(), io.err()];
        expect(err).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
        if (code === 2) {
          expect(out).toBe('');
          expect(err).toContain(file);
          // A document it could not read is named; a file that is binary is refused whole.
          expect(err).toMatch(/document \d+|binary content, not YAML or JSON/);
        } else {
          expect([0, 1]).toContain(code);
          const report = JSON.parse(out) as AuditReport;
          expect(report.kind).toBe('AuditReport');
          expect(report.errors ?? []).toEqual([]);
        }
      }),
      { numRuns: 150, seed: 20261206 },
    );
  }, 120_000);
});
