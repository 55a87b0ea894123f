#!/usr/bin/env node
// `npm run mutation [-- PATH…]`: StrykerJS over the safety logic and the
// checks (stryker.config.mjs), or over the folders and files given, then the
// mutation score per folder. Reports: reports/mutation/index.html and
// mutation.json, and the surviving mutants in survivors.txt. Long: run it in
// the background (nohup npm run mutation &). `--report-only`: the scores of
// the last run again.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printReport } from './mutation-report.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPORT = path.join(ROOT, 'reports', 'mutation', 'mutation.json');

/** "src/fixes" -> "src/fixes/**\/*.ts"; a file stays itself. */
function toGlob(arg) {
  const rel = path.relative(ROOT, path.resolve(arg));
  return rel.endsWith('.ts') ? rel : `${rel.replace(/\/$/, '')}/**/*.ts`;
}

const args = process.argv.slice(2);
if (!args.includes('--report-only')) {
  const mutate = args.filter((a) => !a.startsWith('-')).map(toGlob);
  const r = spawnSync('npx', ['stryker', 'run', ...(mutate.length ? ['--mutate', mutate.join(',')] : []), ...args.filter((a) => a.startsWith('-'))], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

printReport(REPORT);
