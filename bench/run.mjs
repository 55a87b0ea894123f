#!/usr/bin/env node
// `npm run bench -- [--scale 1k|10k|50k ...] [--reps 3]`: on the project's
// control plane (a bench instance with only the serviceaccount controller, so
// seeded objects stay as seeded), seeds a synthetic cluster and measures, in
// the same run and alternating: the floor (kubectl get of exactly the kinds
// the audit reads), audit -A -o json, audit -A -o table, and popeye where it
// builds. Prints a table per scale, the growth between scales, the goals and
// whether they are met (they are figures, not test assertions).
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { up, binaryPath } from '../scripts/cluster.mjs';
import { KubeClient } from '../dist/kube/client.js';
import { seed } from './seed.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STATE = path.join(ROOT, '.cache', 'bench-cluster');
const BIN = path.join(ROOT, 'bin', 'kubectl-sts-storage');
const POPEYE_VERSION = 'v0.22.1';
const SCALES = { '1k': 1000, '10k': 10000, '50k': 50000 };
const KINDS = 'statefulsets,persistentvolumeclaims,pods,events,services,persistentvolumes,storageclasses,nodes';

const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const scales = argv.flatMap((a, i) => (a === '--scale' ? [argv[i + 1]] : []));
const wanted = scales.length ? scales : ['1k', '10k'];
for (const s of wanted) if (!SCALES[s]) throw new Error(`--scale ${s}: use 1k, 10k or 50k`);
const reps = Number(opt('reps', '3'));
const log = (m) => process.stderr.write(`[bench] ${m}\n`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (kib) => (kib / 1024).toFixed(0);

function timeRun(cmd, args, env = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${path.basename(cmd)} ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(-500)}`);
  const stderr = r.stderr.toString();
  const num = (k) => Number((new RegExp(`^${k}: (\\d+)`, 'm').exec(stderr) ?? [])[1]);
  return { ms, requests: num('requests'), bytes: num('bytes-read'), rssKiB: num('peak-rss-kib') };
}

function buildPopeye() {
  const bin = path.join(ROOT, '.cache', 'bin', 'popeye');
  if (fs.existsSync(bin)) return { bin };
  log(`building popeye ${POPEYE_VERSION} from the Go module proxy`);
  const r = spawnSync('go', ['install', `github.com/derailed/popeye@${POPEYE_VERSION}`], {
    env: { ...process.env, GOBIN: path.dirname(bin) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (r.status !== 0) return { error: r.stderr.toString().trim().split('\n').slice(-2).join(' ') };
  return { bin };
}

function helpStartup() {
  const runs = Array.from({ length: 7 }, () => timeRun(process.execPath, [BIN, '--help']).ms);
  const version = Array.from({ length: 7 }, () => timeRun(process.execPath, [BIN, 'version']).ms);
  return { help: median(runs), version: median(version) };
}

async function main() {
  const { kubeconfig } = await up(STATE, { keepData: true, args: ['--scheduler=false', '--controllers=serviceaccount-controller,namespace-controller'] });
  const kubectl = binaryPath();
  const client = await KubeClient.fromOptions({ kubeconfig, requestTimeoutMs: 60_000 });
  const popeye = argv.includes('--no-popeye') ? { error: 'skipped (--no-popeye)' } : buildPopeye();
  const machine = `${execFileSync('nproc').toString().trim()} cores, ${(fs.readFileSync('/proc/meminfo', 'utf8').match(/MemTotal:\s+(\d+)/)[1] / 1024 / 1024).toFixed(0)} GiB, node ${process.version}`;
  const results = [];
  for (const scale of wanted) {
    const added = await seed(client, SCALES[scale], log);
    log(`scale ${scale}: ${added} units seeded now (the rest were there)`);
    const m = { floor: [], json: [], table: [], popeye: [] };
    let stats;
    for (let i = 0; i < reps; i++) {
      m.floor.push(timeRun(kubectl, ['kubectl', '--kubeconfig', kubeconfig, 'get', KINDS, '-A', '-o', 'json']).ms);
      const j = timeRun(process.execPath, [BIN, 'audit', '-A', '-o', 'json', '--kubeconfig', kubeconfig], { STS_STORAGE_DEBUG_REQUESTS: '1' });
      m.json.push(j.ms);
      stats = j;
      m.table.push(timeRun(process.execPath, [BIN, 'audit', '-A', '-o', 'table', '--kubeconfig', kubeconfig]).ms);
      if (popeye.bin) m.popeye.push(timeRun(popeye.bin, ['-A', '-s', 'pv,pvc,sts', '--kubeconfig', kubeconfig, '-o', 'json', '--force-exit-zero']).ms);
    }
    results.push({
      scale,
      volumes: SCALES[scale],
      floor: median(m.floor),
      json: median(m.json),
      table: median(m.table),
      popeye: m.popeye.length ? median(m.popeye) : undefined,
      ...stats,
    });
  }
  const startup = helpStartup();
  client.close();

  const out = [];
  out.push(`machine: ${machine}; Kubernetes control plane from test/cluster; ${reps} repetitions, medians`);
  out.push(`popeye: ${popeye.bin ? POPEYE_VERSION : `not measured: ${popeye.error}`}`);
  out.push('');
  out.push(
    '| scale | floor (kubectl get) | audit -o json | audit -o table | popeye | audit/floor | audit/popeye | requests | raw JSON | peak RSS | RSS/JSON |',
  );
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    out.push(
      `| ${r.scale} | ${r.floor.toFixed(0)} ms | ${r.json.toFixed(0)} ms | ${r.table.toFixed(0)} ms | ${r.popeye ? `${r.popeye.toFixed(0)} ms` : 'n/a'} | ${(r.json / r.floor).toFixed(2)} | ${r.popeye ? (r.json / r.popeye).toFixed(2) : 'n/a'} | ${r.requests} | ${(r.bytes / 1024 / 1024).toFixed(1)} MiB | ${mib(r.rssKiB)} MiB | ${((r.rssKiB * 1024) / r.bytes).toFixed(2)} |`,
    );
  }
  out.push('');
  if (results.length > 1) {
    const [a, b] = [results[0], results[results.length - 1]];
    const timeGrowth = b.json / b.volumes / (a.json / a.volumes);
    const memGrowth = b.rssKiB / b.volumes / (a.rssKiB / a.volumes);
    out.push(`growth ${a.scale} -> ${b.scale}: time per object x${timeGrowth.toFixed(2)}, memory per object x${memGrowth.toFixed(2)}`);
    out.push(`goal: linear from ${a.scale} to ${b.scale} (per-object cost within 1.5x): ${timeGrowth <= 1.5 && memGrowth <= 1.5 ? 'met' : 'NOT met'}`);
  }
  const ten = results.find((r) => r.scale === '10k') ?? results[results.length - 1];
  out.push(`goal: audit <= 1.3x the floor at ${ten.scale}: ${(ten.json / ten.floor).toFixed(2)}x, ${ten.json / ten.floor <= 1.3 ? 'met' : 'NOT met'}`);
  out.push(
    `goal: audit <= 0.5x popeye: ${ten.popeye ? `${(ten.json / ten.popeye).toFixed(2)}x, ${ten.json / ten.popeye <= 0.5 ? 'met' : 'NOT met'}` : 'popeye not measured'}`,
  );
  out.push(
    `goal: requests = kinds x pages, whatever the number of StatefulSets: ${results.map((r) => `${r.requests} at ${r.scale}`).join(', ')} (8 lists + version + namespace check, paginated by 500)`,
  );
  out.push(
    `goal: peak RSS <= 2.5x the raw JSON: ${results.map((r) => `${((r.rssKiB * 1024) / r.bytes).toFixed(2)}x at ${r.scale}`).join(', ')}, ${results.every((r) => (r.rssKiB * 1024) / r.bytes <= 2.5) ? 'met' : 'NOT met'}`,
  );
  out.push(`goal: --help under 150 ms: ${startup.help.toFixed(0)} ms (version ${startup.version.toFixed(0)} ms), ${startup.help < 150 ? 'met' : 'NOT met'}`);
  out.push(`audit/floor ratio: ${(ten.json / ten.floor).toFixed(2)} at ${ten.scale} (requests: ${ten.requests}, peak RSS: ${mib(ten.rssKiB)} MiB)`);
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`[bench] ${err.stack ?? err}\n`);
  process.exit(1);
});
