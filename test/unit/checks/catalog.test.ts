// The catalog's own rules: what makes codes a stable public interface.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../../src/checks/index.js';
import {
  ALERTS_FILE,
  EXAMPLES_FILE,
  expectedAlerts,
  expectedCatalog,
  expectedCommandReference,
  expectedExamples,
  expectedReadme,
  ROOT,
} from '../../../src/tools/generate-docs.js';
import { exampleOf } from '../../../src/checks/examples.js';
import { FIXTURE_DIR, loadFixture } from './fixture-loader.js';

const HELPERS = new Set(['check', 'index', 'run-checks', 'helpers', 'examples']);

describe('check catalog', () => {
  it('registers every check file in src/checks, and ids equal file names', () => {
    const files = fs
      .readdirSync(path.join(ROOT, 'src', 'checks'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .filter((f) => !HELPERS.has(f))
      .sort();
    expect(ALL_CHECKS.map((c) => c.id).sort()).toEqual(files);
  });

  it('has unique ids and codes in the STS/PVC/PV/VS-NNN form', () => {
    expect(new Set(ALL_CHECKS.map((c) => c.id)).size).toBe(ALL_CHECKS.length);
    expect(new Set(ALL_CHECKS.map((c) => c.code)).size).toBe(ALL_CHECKS.length);
    for (const c of ALL_CHECKS) expect(c.code).toMatch(/^(STS|PVC|PV|VS)-\d{3}$/);
  });

  it('covers every code the issue requires', () => {
    const required = [
      ...Array.from({ length: 10 }, (_, i) => `STS-${String(i + 1).padStart(3, '0')}`),
      ...Array.from({ length: 7 }, (_, i) => `PVC-00${i + 1}`),
      ...Array.from({ length: 6 }, (_, i) => `PV-00${i + 1}`),
    ];
    expect(ALL_CHECKS.map((c) => c.code)).toEqual(expect.arrayContaining(required));
  });

  it('documents each check: rationale, remediation ending with a period, an example', () => {
    for (const c of ALL_CHECKS) {
      expect(c.title.length, c.id).toBeGreaterThan(10);
      expect(c.rationale.length, c.id).toBeGreaterThan(80);
      expect(c.remediation.trim(), c.id).toMatch(/\.$/);
      expect(exampleOf(c).length, c.id).toBeGreaterThan(10);
      expect(c.needs.length, c.id).toBeGreaterThan(0);
    }
  });

  it('gives every check a fixture with at least one fire- and one ok- case', () => {
    for (const c of ALL_CHECKS) {
      expect(fs.existsSync(path.join(FIXTURE_DIR, `${c.id}.yaml`)), c.id).toBe(true);
      const cases = loadFixture(c.id);
      expect(
        cases.some((x) => x.name.startsWith('fire-') && x.expect.length > 0),
        c.id,
      ).toBe(true);
      expect(
        cases.some((x) => x.name.startsWith('ok-') && x.expect.length === 0),
        c.id,
      ).toBe(true);
      for (const x of cases) expect(x.name, c.id).toMatch(/^(fire|ok)-/);
    }
  });

  it('has a current command reference, generated from the yargs definitions (run `npm run docs`)', async () => {
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'commands.md'), 'utf8')).toBe(await expectedCommandReference());
  });

  it('has current generated docs (run `npm run docs` after changing a check)', () => {
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'checks.md'), 'utf8')).toBe(expectedCatalog());
    // The examples are the messages the fixtures assert, which the fixture test proves the checks print.
    expect(fs.readFileSync(EXAMPLES_FILE, 'utf8')).toBe(expectedExamples());
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toBe(expectedReadme(readme));
    // The alerts serve ships quote the checks' own texts.
    expect(fs.readFileSync(ALERTS_FILE, 'utf8')).toBe(expectedAlerts());
  });
});
