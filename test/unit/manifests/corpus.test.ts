// Real charts, rendered by Helm from public sources (../shared/corpus/charts,
// SOURCES.md): the audit reads every file without refusing a document (the
// API server accepts each of their StatefulSets), and each finding it draws is
// one a person reviewed (corpus/reviewed-findings.yaml). A file added to the
// corpus is picked up without a code change.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import type { AuditReport } from '../../../src/output/report.js';
import { memoryIO } from '../../integration/io.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CORPUS = path.resolve(HERE, '../../../../shared/corpus/charts');
const reviewed = parse(fs.readFileSync(path.join(HERE, 'corpus', 'reviewed-findings.yaml'), 'utf8')) as Record<string, Array<{ finding: string; why: string }>>;

const files = fs.existsSync(CORPUS)
  ? fs
      .readdirSync(CORPUS)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
  : [];

describe('the chart corpus audits offline', () => {
  it('is present (under CI it must be: a missing corpus is a failure, not a skip)', () => {
    if (process.env['CI'] !== 'true' && files.length === 0) return;
    expect(files.length).toBeGreaterThanOrEqual(14);
  });

  for (const file of files) {
    it(`${file}: exit 0 or 1, no refused document, every finding reviewed`, async () => {
      const io = memoryIO();
      const code = await main(['audit', '-f', path.join(CORPUS, file), '-o', 'json'], io);
      expect(io.err()).not.toMatch(/^error:/m);
      expect([0, 1]).toContain(code);
      const report = JSON.parse(io.out()) as AuditReport;
      expect(report.errors ?? []).toEqual([]);
      const drawn = report.findings.map((f) => `${f.code} ${f.object.namespace}/${f.object.name}`).sort();
      const expected = (reviewed[file] ?? []).map((r) => r.finding).sort();
      expect(drawn).toEqual(expected);
      for (const r of reviewed[file] ?? []) expect(r.why.length, `${file} ${r.finding}: say why it is true`).toBeGreaterThan(40);
    });
  }
});
