#!/usr/bin/env node
// `npm run bench -- [--scale 1k|10k|50k ...] [--reps 3] [--no-peers] [--peer-timeout 300] [--startup-only]`: on the
// project's control plane (a bench instance with only the serviceaccount
// controller, so seeded objects stay as seeded), seeds a synthetic cluster and
// measures, in the same run and alternating, whole processes: the raw-list
// floor (bench/raw-floor.mjs: the audit's own paginated lists, bytes
// discarded), kubectl get of the same kinds, audit -A -o json and -o table,
// and popeye and k8sgpt when ../shared/third-party can build them. Prints a
// table per scale, where the audit's time goes, the growth between scales,
// start-up, the goals and whether they are met (figures, not test assertions).
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { up, binaryPath } from '../scripts/cluster.mjs';
import { KubeClient } from '../dist/kube/client.js';
import { seed } from './seed.mjs';
import { buildThirdParty, peerScratchEnv, THIRD_PARTY_BUILD } from '../scripts/third-party.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STATE = path.join(ROOT, '.cache', 'bench-cluster');
const BIN = path.join(ROOT, 'bin', 'kubectl-sts-storage');
const FLOOR = path.join(ROOT, 'bench', 'raw-floor.mjs');
const SEA = path.join(ROOT, 'dist', 'release', 'linux-amd64', 'kubectl-sts-storage');
const SCALES = { '1k': 1000, '10k': 10000, '50k': 50000 };
const KINDS = 'statefulsets,persistentvolumeclaims,pods,events,services,persistentvolumes,storageclasses,nodes,volumeattachments,csidrivers,csinodes';

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
const ms = (x) => (x === undefined ? 'n/a' : `${x.toFixed(0)} ms`);

// A peer run longer than this is stopped and reported as "> N s"; it is not
// repeated at that scale nor run at larger ones (k8sgpt's analyzers make
// requests per object under client-go's default rate limit of 5 a second).
const PEER_CAP_MS = Number(opt('peer-timeout', '300')) * 1000;

function timeRun(cmd, args, env = {}, timeoutMs = undefined) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs });
  const elapsed = Number(process.hrtime.bigint() - t) / 1e6;
  if (timeoutMs !== undefined && r.error?.code === 'ETIMEDOUT') return { ms: timeoutMs, capped: true };
  if (r.status !== 0 && r.status !== 1) throw new Error(`${path.basename(cmd)} ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(-500)}`);
  const stderr = r.stderr.toString();
  const num = (k) => Number((new RegExp(`^${k}: (\\d+)`, 'm').exec(stderr) ?? [])[1]);
  return { ms: elapsed, requests: num('requests'), bytes: num('bytes-read'), rssKiB: num('peak-rss-kib'), phases: (/^phase-ms: (.*)$/m.exec(stderr) ?? [])[1] };
}

/** A peer built from ../shared/third-party, or the reason it is not measured. */
function peer(tool) {
  if (argv.includes('--no-peers')) return { error: 'skipped (--no-peers)' };
  log(`building ${tool} with ${THIRD_PARTY_BUILD} (reused once built)`);
  const { bin, missing } = buildThirdParty(tool);
  return bin ? { bin } : { error: `not measured: ${missing}` };
}

function startup() {
  const seven = (cmd, args) => median(Array.from({ length: 7 }, () => timeRun(cmd, args).ms));
  return {
    node: seven(process.execPath, ['-e', '0']),
    help: seven(process.execPath, [BIN, '--help']),
    version: seven(process.execPath, [BIN, 'version']),
    sea: fs.existsSync(SEA) ? seven(SEA, ['--help']) : undefined,
  };
}

function startupLines(start) {
  return [
    `start-up (medians of 7, before the control plane starts): node -e 0 ${ms(start.node)}; --help ${ms(start.help)} (Node ${process.version}, the bundle through bin/), version ${ms(start.version)}; single executable --help ${start.sea ? ms(start.sea) : 'n/a (npm run package first)'}`,
    `goal: --help under 150 ms on Node 20: ${ms(start.help)}, ${start.help < 150 ? 'met' : 'NOT met'}; under 100 ms as the single executable: ${start.sea ? `${ms(start.sea)}, ${start.sea < 100 ? 'met' : 'NOT met'}` : 'not measured'}`,
  ];
}

async function main() {
  // Start-up first, on a machine the control plane does not load yet.
  const start = startup();
  if (argv.includes('--startup-only')) {
    process.stdout.write(startupLines(start).join('\n') + '\n');
    return;
  }
  const { kubeconfig } = await up(STATE, { keepData: true, args: ['--scheduler=false', '--controllers=serviceaccount-controller,namespace-controller'] });
  const kubectl = binaryPath();
  const popeye = peer('popeye');
  const k8sgpt = peer('k8sgpt');
  const machine = `${execFileSync('nproc').toString().trim()} cores, ${(fs.readFileSync('/proc/meminfo', 'utf8').match(/MemTotal:\s+(\d+)/)[1] / 1024 / 1024).toFixed(0)} GiB, node ${process.version}`;
  const results = [];
  for (const scale of wanted) {
    // A client per scale: the measurements block this process for minutes (spawnSync), and a
    // keep-alive connection the API server closed meanwhile would fail the next write (EPIPE).
    const client = await KubeClient.fromOptions({ kubeconfig, requestTimeoutMs: 60_000 });
    const added = await seed(client, SCALES[scale], log, (object) => {
      const r = spawnSync(kubectl, ['store', '--dir', STATE], { input: JSON.stringify(object) });
      if (r.status !== 0) throw new Error(`store ${object.metadata.name}: ${r.stderr}`);
    });
    client.close();
    log(`scale ${scale}: ${added} units seeded now (the rest were there)`);
    const m = { raw: [], floor: [], json: [], sea: [], table: [], popeye: [], k8sgpt: [] };
    let stats;
    let raw;
    for (let i = 0; i < reps; i++) {
      raw = timeRun(process.execPath, [FLOOR, kubeconfig]);
      m.raw.push(raw.ms);
      m.floor.push(timeRun(kubectl, ['kubectl', '--kubeconfig', kubeconfig, 'get', KINDS, '-A', '-o', 'json']).ms);
      const j = timeRun(process.execPath, [BIN, 'audit', '-A', '-o', 'json', '--kubeconfig', kubeconfig], { STS_STORAGE_DEBUG_REQUESTS: '1' });
      m.json.push(j.ms);
      stats = j;
      m.table.push(timeRun(process.execPath, [BIN, 'audit', '-A', '-o', 'table', '--kubeconfig', kubeconfig]).ms);
      if (fs.existsSync(SEA)) m.sea.push(timeRun(SEA, ['audit', '-A', '-o', 'json', '--kubeconfig', kubeconfig]).ms);
      for (const [peerRun, key, args] of [
        [popeye, 'popeye', ['-A', '-s', 'pv,pvc,sts', '--kubeconfig', kubeconfig, '-o', 'json', '--force-exit-zero']],
        [k8sgpt, 'k8sgpt', ['analyze', '--filter', 'StatefulSet,PersistentVolumeClaim,Storage', '-o', 'json', '--kubeconfig', kubeconfig]],
      ]) {
        if (!peerRun.bin || peerRun.capped) continue;
        if (peerRun.slowAt === scale) continue;
        const r = timeRun(peerRun.bin, args, peerScratchEnv('bench-peer-'), PEER_CAP_MS);
        // A run of over a minute is measured once at that scale: its median of one is the figure.
        if (!r.capped && r.ms > 60_000) peerRun.slowAt = scale;
        if (r.capped) {
          peerRun.capped = scale;
          log(`${key} stopped after ${PEER_CAP_MS / 1000}s at ${scale}; not run again (--peer-timeout SECONDS)`);
        } else m[key].push(r.ms);
      }
    }
    results.push({
      scale,
      volumes: SCALES[scale],
      floor: median(m.floor),
      json: median(m.json),
      table: median(m.table),
      sea: m.sea.length ? median(m.sea) : undefined,
      popeye: m.popeye.length ? median(m.popeye) : undefined,
      k8sgpt: m.k8sgpt.length ? median(m.k8sgpt) : undefined,
      // Stopped at this scale or a smaller one: slower than the cap, so the audit is at most json/cap of it.
      popeyeCapped: !m.popeye.length && !!popeye.capped,
      k8sgptCapped: !m.k8sgpt.length && !!k8sgpt.capped,
      raw: median(m.raw),
      rawRequests: raw.requests,
      rawRssKiB: raw.rssKiB,
      ...stats,
    });
  }

  const out = [];
  const ratio = (a, b) => (b === undefined ? 'n/a' : (a / b).toFixed(2));
  const peerMs = (r, key) => (r[`${key}Capped`] ? `> ${PEER_CAP_MS / 1000} s (stopped)` : ms(r[key]));
  const peerRatio = (r, key) => (r[`${key}Capped`] ? `< ${(r.json / PEER_CAP_MS).toFixed(3)}` : ratio(r.json, r[key]));
  out.push(`machine: ${machine}; Kubernetes control plane from test/cluster; ${reps} repetitions, medians of whole processes`);
  out.push(
    `popeye v0.22.1 (-s pv,pvc,sts): ${popeye.bin ? 'measured' : popeye.error}; k8sgpt v0.4.36 (analyze --filter StatefulSet,PersistentVolumeClaim,Storage): ${k8sgpt.bin ? 'measured' : k8sgpt.error}`,
  );
  out.push('');
  out.push(
    '| scale | raw-list floor | kubectl get | audit -o json | audit -o json (single executable) | audit -o table | popeye | k8sgpt | audit/raw | audit/kubectl | audit/popeye | audit/k8sgpt | requests | raw JSON | peak RSS | RSS/JSON |',
  );
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    out.push(
      `| ${r.scale} | ${ms(r.raw)} | ${ms(r.floor)} | ${ms(r.json)} | ${ms(r.sea)} | ${ms(r.table)} | ${peerMs(r, 'popeye')} | ${peerMs(r, 'k8sgpt')} | ${ratio(r.json, r.raw)} | ${ratio(r.json, r.floor)} | ${peerRatio(r, 'popeye')} | ${peerRatio(r, 'k8sgpt')} | ${r.requests} (raw ${r.rawRequests}) | ${(r.bytes / 1024 / 1024).toFixed(1)} MiB | ${mib(r.rssKiB)} MiB (raw ${mib(r.rawRssKiB)}) | ${((r.rssKiB * 1024) / r.bytes).toFixed(2)} |`,
    );
  }
  out.push('');
  for (const r of results) out.push(`where audit -o json's ${r.json.toFixed(0)} ms go at ${r.scale} (phase-ms; parse overlaps read): ${r.phases}`);
  if (results.length > 1) {
    const [a, b] = [results[0], results[results.length - 1]];
    const timeGrowth = b.json / b.volumes / (a.json / a.volumes);
    const memGrowth = b.rssKiB / b.volumes / (a.rssKiB / a.volumes);
    out.push(`growth ${a.scale} -> ${b.scale}: time per object x${timeGrowth.toFixed(2)}, memory per object x${memGrowth.toFixed(2)}`);
    out.push(`goal: linear from ${a.scale} to ${b.scale} (per-object cost within 1.5x): ${timeGrowth <= 1.5 && memGrowth <= 1.5 ? 'met' : 'NOT met'}`);
  }
  for (const r of results.filter((x) => x.volumes >= 10000))
    out.push(`goal: audit <= 1.3x the raw-list floor at ${r.scale}: ${ratio(r.json, r.raw)}x, ${r.json / r.raw <= 1.3 ? 'met' : 'NOT met'}`);
  const ten = results.find((r) => r.scale === '10k') ?? results[results.length - 1];
  for (const [name, key] of [
    ['popeye', 'popeye'],
    ['k8sgpt', 'k8sgpt'],
  ])
    out.push(
      `goal: audit <= 0.5x ${name}: ${results.map((r) => (r[key] || r[`${key}Capped`] ? `${peerRatio(r, key)}x at ${r.scale}` : `not measured at ${r.scale}`)).join(', ')}${results.every((r) => r[`${key}Capped`] || (r[key] && r.json / r[key] <= 0.5)) ? ', met' : results.some((r) => r[key]) ? ', NOT met' : ''}`,
    );
  out.push(
    `goal: requests = kinds x pages, whatever the number of StatefulSets: ${results.map((r) => `${r.requests} at ${r.scale}`).join(', ')} (11 lists + version + namespace check, paginated by 500)`,
  );
  out.push(
    `goal: peak RSS <= 2.5x the raw JSON: ${results.map((r) => `${((r.rssKiB * 1024) / r.bytes).toFixed(2)}x at ${r.scale}`).join(', ')}, ${results.every((r) => (r.rssKiB * 1024) / r.bytes <= 2.5) ? 'met' : 'NOT met'}`,
  );
  out.push(...startupLines(start));
  const small = results[0];
  out.push(
    `goal: audit on the smallest scale no slower than kubectl get: npm install ${ms(small.json)}, single executable ${ms(small.sea)}, kubectl get ${ms(small.floor)} at ${small.scale}: ${small.json <= small.floor && (small.sea === undefined || small.sea <= small.floor) ? 'met' : 'NOT met'}${small.sea === undefined ? ' (single executable not measured: npm run package first)' : ''}`,
  );
  out.push(`audit/floor ratio: ${ratio(ten.json, ten.raw)} at ${ten.scale} (raw-list floor; requests: ${ten.requests}, peak RSS: ${mib(ten.rssKiB)} MiB)`);
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`[bench] ${err.stack ?? err}\n`);
  process.exit(1);
});
