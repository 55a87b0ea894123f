#!/usr/bin/env node
// `npm run bench:soak -- [--scale 1k|10k|50k] [--minutes 10] [--rate 50] [--node-options ...]
// [--malloc-mmap-threshold 65536] [--serve-args "--no-low-memory"]`: `serve`
// against a seeded bench control plane while claims change --rate times a
// second (labels patched, so every change reaches every watch and audit), for
// --minutes. Samples serve's resident memory every 10 s and prints it over
// time beside the objects' JSON (what the watched kinds weigh on the wire):
// memory should stay within 2.5x that JSON and not grow with the number of
// changes. Figures, not assertions.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { up, down, binaryPath } from '../scripts/cluster.mjs';
import { KubeClient } from '../dist/kube/client.js';
import { KINDS, collectionPath } from '../dist/kube/resources.js';
import { seed } from './seed.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'kubectl-sts-storage');
const SCALES = { '1k': 1000, '10k': 10000, '50k': 50000 };
const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const scale = opt('scale', '10k');
// 50k volumes get a plane of their own: `npm run bench` measures the shared one at 10k.
const STATE = path.join(ROOT, '.cache', scale === '50k' ? 'bench-cluster-50k' : 'bench-cluster');
const minutes = Number(opt('minutes', '10'));
const rate = Number(opt('rate', '50'));
// V8 flags for serve (as the chart's NODE_OPTIONS sets them), e.g. --max-old-space-size=192
const nodeOptions = opt('node-options', '');
// glibc's MALLOC_MMAP_THRESHOLD_, as the chart sets it (0: glibc's own, which rises as large blocks are freed)
const mmapThreshold = Number(opt('malloc-mmap-threshold', '65536'));
// serve's own flags beyond the scope and timings (e.g. --no-low-memory)
const serveArgs = opt('serve-args', '').split(' ').filter(Boolean);
const log = (m) => process.stderr.write(`[bench:soak] ${m}\n`);
const mib = (bytes) => (bytes / 1024 / 1024).toFixed(0);

/** One unlabelled sample of serve's /metrics text (0 when absent). */
const sample = (text, name) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? 0);

const statusOf = (pid, field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
const rssOf = (pid) => statusOf(pid, 'VmRSS');
// The kernel's high-water mark of resident memory: the true peak, which 10-second samples can miss.
const peakRssOf = (pid) => statusOf(pid, 'VmHWM');

/** serve with these scope flags, once it answers /readyz. */
async function startServe(kubeconfig, scope) {
  const serve = spawn(
    process.execPath,
    [BIN, 'serve', ...scope, '--kubeconfig', kubeconfig, '--listen', '127.0.0.1:0', '--interval', '5s', '--settle', '1s', ...serveArgs],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: nodeOptions, ...(mmapThreshold ? { MALLOC_MMAP_THRESHOLD_: String(mmapThreshold) } : {}) },
    },
  );
  let stderr = '';
  serve.stderr.on('data', (d) => (stderr = (stderr + d).slice(-20000)));
  const url = await new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /serving (http:\/\/\S+)\/metrics/.exec(stderr);
      if (m) {
        clearInterval(timer);
        resolve(m[1]);
      }
    }, 100);
    serve.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  while ((await fetch(`${url}/readyz`)).status !== 200) await new Promise((r) => setTimeout(r, 500));
  return { child: serve, url };
}

async function main() {
  const { kubeconfig } = await up(STATE, { keepData: true, args: ['--scheduler=false', '--controllers=serviceaccount-controller,namespace-controller'] });
  const client = await KubeClient.fromOptions({ kubeconfig, requestTimeoutMs: 60_000 });
  const harness = binaryPath();
  await seed(client, SCALES[scale], log, (object) => {
    const r = spawnSync(harness, ['store', '--dir', STATE], { input: JSON.stringify(object) });
    if (r.status !== 0) throw new Error(`store ${object.metadata.name}: ${r.stderr}`);
  });
  // What the watched kinds weigh as JSON, whole (serve keeps the slimmed part of it).
  let json = 0;
  for (const k of KINDS) {
    try {
      for (const item of await client.list(collectionPath(k.group, k.resource))) json += JSON.stringify(item).length;
    } catch {
      // a kind not installed weighs nothing
    }
  }
  const claims = (await client.list('/api/v1/persistentvolumeclaims')).map((c) => [c.metadata.namespace, c.metadata.name]);
  // What serve costs with nothing to hold (a control plane of its own, empty): the runtime's own
  // memory, paid once whatever the cluster's size.
  const emptyDir = path.join(ROOT, '.cache', 'bench-soak-empty');
  const emptyPlane = await up(emptyDir, { args: ['--scheduler=false', '--controllers=serviceaccount-controller,namespace-controller'] });
  const empty = await startServe(emptyPlane.kubeconfig, ['-A']);
  await new Promise((r) => setTimeout(r, 10_000));
  const floor = rssOf(empty.child.pid);
  empty.child.kill('SIGTERM');
  await down(emptyDir);
  const { child: serve, url } = await startServe(kubeconfig, ['-A']);
  // The peak of loading the cluster (every kind listed, the first audit) apart from churn's.
  const readyPeak = peakRssOf(serve.pid);
  log(`serve ready (${mib(readyPeak)} MiB peak so far); churning ${rate} claim changes a second for ${minutes} min`);
  const samples = [];
  let changes = 0;
  const started = Date.now();
  const end = started + minutes * 60_000;
  let nextSample = started;
  while (Date.now() < end) {
    const tick = Date.now();
    await Promise.all(
      Array.from({ length: rate }, () => {
        const [ns, name] = claims[Math.floor(Math.random() * claims.length)];
        changes++;
        return client.request('PATCH', `/api/v1/namespaces/${ns}/persistentvolumeclaims/${name}`, {
          body: { metadata: { labels: { 'bench.soak/change': String(changes) } } },
          contentType: 'application/merge-patch+json',
        });
      }),
    );
    if (Date.now() >= nextSample) {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      const audits = sample(metrics, 'sts_storage_audit_duration_seconds_count');
      const heap = sample(metrics, 'sts_storage_nodejs_heap_size_used_bytes');
      const heapTotal = sample(metrics, 'sts_storage_nodejs_heap_size_total_bytes');
      samples.push({ s: (Date.now() - started) / 1000, rss: rssOf(serve.pid), peak: peakRssOf(serve.pid), heap, heapTotal, changes, audits });
      nextSample += 10_000;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - tick))));
  }
  // What the memory costs in time: V8 flags that shrink the heap make the collector run more often.
  const final = await (await fetch(`${url}/metrics`)).text();
  const auditSum = sample(final, 'sts_storage_audit_duration_seconds_sum');
  const auditCount = sample(final, 'sts_storage_audit_duration_seconds_count');
  const cpuSeconds = sample(final, 'sts_storage_process_cpu_seconds_total');
  const peak = peakRssOf(serve.pid);
  serve.kill('SIGTERM');
  client.close();
  // Growth, not GC's saw-tooth: the median RSS of the first and of the second half after warm-up.
  const steady = samples.slice(Math.min(2, samples.length - 1));
  const first = steady.slice(0, Math.ceil(steady.length / 2));
  const second = steady.slice(Math.floor(steady.length / 2));
  const medianRss = (xs) => [...xs.map((x) => x.rss)].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const changesBetween = second.at(-1).changes - first[0].changes;
  const lines = [
    `soak: serve -A on ${scale} volumes (${mib(json)} MiB of JSON in the watched kinds), ${rate} changes/s for ${minutes} min${nodeOptions ? `, NODE_OPTIONS=${nodeOptions}` : ''}${mmapThreshold ? `, MALLOC_MMAP_THRESHOLD_=${mmapThreshold}` : ''}${serveArgs.length ? `, serve ${serveArgs.join(' ')}` : ''}`,
    '  time   RSS MiB  peak so far  heap used MiB  heap total MiB  changes  audits',
    ...samples.map(
      (x) =>
        `  ${String(x.s.toFixed(0)).padStart(4)}s  ${mib(x.rss).padStart(7)}  ${mib(x.peak).padStart(11)}  ${mib(x.heap).padStart(13)}  ${mib(x.heapTotal).padStart(14)}  ${String(x.changes).padStart(7)}  ${String(x.audits).padStart(6)}`,
    ),
    `peak RSS (the kernel's high-water mark) ${mib(peak)} MiB = ${(peak / json).toFixed(2)}x the objects' JSON (${mib(readyPeak)} MiB by the time serve was ready); heap used at most ${mib(Math.max(...samples.map((x) => x.heap)))} MiB`,
    `serve watching an empty cluster: ${mib(floor)} MiB (the runtime, paid once); above it, the peak is ${((peak - floor) / json).toFixed(2)}x the objects' JSON`,
    `audits took ${((1000 * auditSum) / Math.max(1, auditCount)).toFixed(0)} ms on average (${auditCount} audits); serve used ${cpuSeconds.toFixed(0)} s of CPU in all`,
    `median RSS, first half ${mib(medianRss(first))} MiB, second half ${mib(medianRss(second))} MiB, over ${changesBetween} changes`,
    `goal: peak RSS within 2.5x the objects' JSON: ${peak <= 2.5 * json ? 'met' : 'NOT met'}; no growth with changes: ${medianRss(second) <= medianRss(first) * 1.1 ? 'met' : 'NOT met'}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
