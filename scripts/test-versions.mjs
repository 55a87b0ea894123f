#!/usr/bin/env node
// The version matrix: runs the integration suite once per Kubernetes release
// in test/cluster/versions.json (or the ones named: `npm run test:versions -- 1.33 1.37`;
// `-- --ci` for the releases CI runs; `-- --ci-legacy` for those other than the
// newest, which `npm test` has just covered) and prints a pass/fail table.
// Each release gets its own control plane, started and stopped by the suite.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { releases, resolveVersion } from './cluster.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const wanted = argv.includes('--ci')
  ? releases().filter((r) => r.ci)
  : argv.includes('--ci-legacy')
    ? releases().filter((r) => r.ci && r.support === 'legacy')
    : argv.length > 0
      ? argv.map((v) => {
          const version = resolveVersion(v);
          return releases().find((r) => r.version === version) ?? { minor: version.slice(1).split('.').slice(0, 2).join('.'), version, support: 'unlisted' };
        })
      : releases();

const rows = [];
for (const release of wanted) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sts-storage-matrix-')), 'results.json');
  process.stderr.write(`\n=== Kubernetes ${release.version} (${release.support}) ===\n`);
  const started = Date.now();
  const r = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--project',
      'integration',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${out}`,
    ],
    {
      cwd: ROOT,
      stdio: 'inherit',
      // A plane of its own per release, so a developer's running plane is left alone.
      env: { ...process.env, STS_STORAGE_KUBE_VERSION: release.version, STS_STORAGE_CLUSTER_DIR: path.join(ROOT, '.cluster-matrix', release.minor) },
    },
  );
  let counts = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTotalTests: 0 };
  try {
    counts = JSON.parse(fs.readFileSync(out, 'utf8'));
  } catch {
    // No results file: the suite did not start (a build or start-up failure); the exit code says so.
  }
  rows.push({ release, code: r.status, seconds: Math.round((Date.now() - started) / 1000), ...counts });
}

const header = ['release', 'support', 'passed', 'failed', 'skipped', 'time', 'result'];
const table = rows.map((r) => [
  r.release.version,
  r.release.support,
  String(r.numPassedTests),
  String(r.numFailedTests),
  String(r.numPendingTests),
  `${r.seconds}s`,
  r.code === 0 && r.numFailedTests === 0 && r.numTotalTests > 0 ? 'PASS' : 'FAIL',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) =>
  cells
    .map((c, i) => c.padEnd(widths[i]))
    .join('  ')
    .trimEnd();
process.stdout.write(`\n${line(header)}\n${table.map(line).join('\n')}\n`);
process.exit(table.every((row) => row[6] === 'PASS') ? 0 : 1);
