#!/usr/bin/env node
// `npm run mutation [-- PATH…]`: StrykerJS over the safety logic and the
// checks (stryker.config.mjs), or over the folders and files given, then the
// mutation score per folder. Reports: reports/mutation/index.html and
// mutation.json. Long: run it in the background (nohup npm run mutation &).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPORT = path.join(ROOT, 'reports', 'mutation', 'mutation.json');

/** "src/fixes" -> "src/fixes/**\/*.ts"; a file stays itself. */
function toGlob(arg) {
  const rel = path.relative(ROOT, path.resolve(arg));
  return rel.endsWith('.ts') ? rel : `${rel.replace(/\/$/, '')}/**/*.ts`;
}

const args = process.argv.slice(2);
const mutate = args.filter((a) => !a.startsWith('-')).map(toGlob);
const r = spawnSync('npx', ['stryker', 'run', ...(mutate.length ? ['--mutate', mutate.join(',')] : []), ...args.filter((a) => a.startsWith('-'))], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (r.status !== 0) process.exit(r.status ?? 1);

// Score as Stryker counts it: killed + timed out over all covered and uncovered valid mutants.
const report = JSON.parse(fs.readFileSync(REPORT, 'utf8'));
const byFolder = new Map();
for (const [file, { mutants }] of Object.entries(report.files)) {
  const folder = path.dirname(path.relative(ROOT, path.resolve(ROOT, file)));
  const s = byFolder.get(folder) ?? { detected: 0, total: 0, survived: 0, noCoverage: 0 };
  for (const m of mutants) {
    if (m.status === 'CompileError' || m.status === 'RuntimeError' || m.status === 'Ignored') continue;
    s.total++;
    if (m.status === 'Killed' || m.status === 'Timeout') s.detected++;
    if (m.status === 'Survived') s.survived++;
    if (m.status === 'NoCoverage') s.noCoverage++;
  }
  byFolder.set(folder, s);
}
process.stdout.write('\nmutation score per folder (killed + timed out / all):\n');
for (const [folder, s] of [...byFolder].sort(([a], [b]) => a.localeCompare(b)))
  process.stdout.write(
    `  ${folder.padEnd(16)} ${((100 * s.detected) / Math.max(1, s.total)).toFixed(1).padStart(5)}%  (${s.detected}/${s.total}; ${s.survived} survived, ${s.noCoverage} not covered)\n`,
  );
