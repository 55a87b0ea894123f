#!/usr/bin/env node
// `npm run bench:fleet -- [--scale 1k|10k] [--clusters 3] [--reps 3] [--rtt 0,100,200]`:
// several bench instances of the project's control plane, each seeded like
// `npm run bench`'s, audited one by one and then all at once with
// --all-contexts. Prints, for each round-trip time, each single audit, their
// sum and their slowest, and the fleet audit's wall time: the fleet should
// cost about the slowest cluster, not the sum. Here the planes share this
// machine's two cores with the audit (round trip 0), so every audit is
// CPU-bound; a round trip above 0 puts each plane behind a TCP proxy that
// delays every chunk by half that many milliseconds each way, as clusters in
// other regions are.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { up, binaryPath } from '../scripts/cluster.mjs';
import { KubeClient } from '../dist/kube/client.js';
import { seed } from './seed.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'kubectl-sts-storage');
const SCALES = { '1k': 1000, '10k': 10000 };
const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const scale = opt('scale', '1k');
if (!SCALES[scale]) throw new Error(`--scale ${scale}: use 1k or 10k`);
const clusters = Number(opt('clusters', '3'));
const reps = Number(opt('reps', '3'));
const rtts = opt('rtt', '0,100,200').split(',').map(Number);
const log = (m) => process.stderr.write(`[bench:fleet] ${m}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A TCP proxy to host:port that delays each chunk by delayMs each way (TLS passes through unchanged). */
function delayingProxy(target, delayMs) {
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.hostname);
    const pipe = (from, to) => {
      from.on('data', (chunk) => setTimeout(() => to.write(chunk), delayMs));
      from.on('end', () => setTimeout(() => to.end(), delayMs));
      from.on('error', () => to.destroy());
    };
    pipe(client, upstream);
    pipe(upstream, client);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port })));
}

// The audits run in child processes while this one proxies: spawnSync would block the proxy.
async function timeRun(args) {
  const t = process.hrtime.bigint();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0 && code !== 1) throw new Error(`audit ${args.join(' ')} exited ${code}: ${stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main() {
  const kubectl = binaryPath();
  const names = Array.from({ length: clusters }, (_, i) => `bench-${i}`);
  const planes = [];
  for (const name of names) {
    const dir = path.join(ROOT, '.cache', `bench-fleet-${name}`);
    const { kubeconfig } = await up(dir, { keepData: true, args: ['--scheduler=false', '--controllers=serviceaccount-controller,namespace-controller'] });
    const client = await KubeClient.fromOptions({ kubeconfig, requestTimeoutMs: 60_000 });
    const added = await seed(client, SCALES[scale], log, (object) => {
      const r = spawnSync(kubectl, ['store', '--dir', dir], { input: JSON.stringify(object) });
      if (r.status !== 0) throw new Error(`store ${object.metadata.name}: ${r.stderr}`);
    });
    client.close();
    log(`${name}: ${added} units seeded now (the rest were there)`);
    planes.push({ name, kubeconfig });
  }
  const rows = [];
  for (const rtt of rtts) rows.push(await measure(planes, names, rtt));
  const lines = [
    `fleet audit, ${clusters} control planes of ${scale} volumes each, medians of ${reps} (whole processes; ms):`,
    '  round trip  slowest single  sum of singles  --all-contexts  x slowest  x sum  singles as parallel processes',
    ...rows.map(
      (r) =>
        `  ${(r.rtt ? `${r.rtt} ms` : '0 (here)').padEnd(10)}  ${r.slowest.toFixed(0).padStart(14)}  ${r.sum.toFixed(0).padStart(14)}  ${r.wall.toFixed(0).padStart(14)}  ${(r.wall / r.slowest).toFixed(2).padStart(9)}  ${(r.wall / r.sum).toFixed(2).padStart(5)}  ${r.parallel.toFixed(0).padStart(29)}`,
    ),
    ...rows.map((r) => `goal at ${r.rtt} ms: the fleet audit within 1.5x the slowest single audit: ${r.wall <= 1.5 * r.slowest ? 'met' : 'NOT met'}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/** The single audits, the fleet audit and the singles as parallel processes, each plane rtt ms away. */
async function measure(planes, names, rtt) {
  // One kubeconfig, a context per plane.
  const merged = { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [], 'current-context': names[0] };
  const proxies = [];
  for (const { name, kubeconfig } of planes) {
    const k = parse(fs.readFileSync(kubeconfig, 'utf8'));
    const cluster = { ...k.clusters[0].cluster };
    if (rtt > 0) {
      const target = new URL(cluster.server);
      const proxy = await delayingProxy(target, rtt / 2);
      proxies.push(proxy.server);
      cluster.server = `https://${target.hostname}:${proxy.port}`;
    }
    merged.clusters.push({ name, cluster });
    merged.users.push({ name, user: k.users[0].user });
    merged.contexts.push({ name, context: { cluster: name, user: name } });
  }
  const file = path.join(ROOT, '.cache', 'bench-fleet-kubeconfig');
  fs.writeFileSync(file, stringify(merged));
  const singles = Object.fromEntries(names.map((n) => [n, []]));
  const fleet = [];
  const together = [];
  const single = (n) => timeRun(['audit', '-A', '-o', 'json', '--kubeconfig', file, '--context', n]);
  for (let i = 0; i < reps; i++) {
    for (const n of names) singles[n].push(await single(n));
    fleet.push(await timeRun(['audit', '-A', '-o', 'json', '--kubeconfig', file, '--all-contexts', '--max-concurrency', String(clusters)]));
    // The single audits started at once, each its own process: what this machine's cores allow for
    // the same work in parallel (on two cores shared with the planes, far more than the slowest alone).
    const t = performance.now();
    await Promise.all(names.map(single));
    together.push(performance.now() - t);
  }
  for (const p of proxies) p.close();
  const each = names.map((n) => median(singles[n]));
  log(`round trip ${rtt} ms: ${names.map((n, i) => `${n} ${each[i].toFixed(0)} ms`).join(', ')}`);
  return { rtt, slowest: Math.max(...each), sum: each.reduce((a, b) => a + b, 0), wall: median(fleet), parallel: median(together) };
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
