#!/usr/bin/env node
// `npm run mutation [-- PATH…]`: StrykerJS over the safety logic and the
// checks (stryker.config.mjs), or over the folders and files given, then the
// mutation score per folder. Reports: reports/mutation/index.html and
// mutation.json, and the surviving mutants in survivors.txt. Long: run it in
// the background (nohup npm run mutation &). `--report-only`: the scores of
// the last run again.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
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
  const mutate = args.filter((a, i) => !a.startsWith('-') && !['--doc', '--measured'].includes(args[i - 1])).map(toGlob);
  const r = spawnSync('npx', ['stryker', 'run', ...(mutate.length ? ['--mutate', mutate.join(',')] : []), ...args.filter((a) => a.startsWith('-'))], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// --doc FILE: the survivors as a document (docs/mutation-survivors.md), --measured TEXT: what run it was.
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const doc = opt('--doc');
printReport(
  REPORT,
  process.stdout,
  doc ? { file: doc, measured: opt('--measured') ?? `the run of ${fs.statSync(REPORT).mtime.toISOString().slice(0, 10)}` } : undefined,
);
