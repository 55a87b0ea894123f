#!/usr/bin/env node
// Builds and runs the test control plane (test/cluster): real etcd,
// kube-apiserver, kube-controller-manager and kube-scheduler from the
// k8s.io/kubernetes Go module. `node scripts/cluster.mjs up|down|status|build`.
// The Kubernetes release is one build parameter: STS_STORAGE_KUBE_VERSION
// (a version like v1.36.3 or a minor like 1.36 from test/cluster/versions.json;
// default: the newest supported release there, which test/cluster/go.mod pins).
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import https from 'node:https';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODULE_DIR = path.join(ROOT, 'test', 'cluster');
// STS_STORAGE_CLUSTER_DIR lets runs side by side (the version matrix) keep their own planes.
export const DEFAULT_STATE_DIR = process.env.STS_STORAGE_CLUSTER_DIR ? path.resolve(process.env.STS_STORAGE_CLUSTER_DIR) : path.join(ROOT, '.cluster');

export function pinnedKubernetesVersion() {
  const gomod = fs.readFileSync(path.join(MODULE_DIR, 'go.mod'), 'utf8');
  const m = /k8s\.io\/kubernetes (v\d+\.\d+\.\d+)/.exec(gomod);
  if (!m) throw new Error('test/cluster/go.mod does not require k8s.io/kubernetes');
  return m[1];
}

/** test/cluster/versions.json: the releases the project is tested on, newest first. */
export function releases() {
  return JSON.parse(fs.readFileSync(path.join(MODULE_DIR, 'versions.json'), 'utf8')).releases;
}

/** The newest supported release: the harness's default, and the one go.mod pins. */
export function homeVersion() {
  return releases().find((r) => r.support === 'supported').version;
}

/** A full version (v1.36.3) or a listed minor (1.36) to a full version. */
export function resolveVersion(wanted) {
  if (/^v\d+\.\d+\.\d+$/.test(wanted)) return wanted;
  const r = releases().find((x) => x.minor === wanted.replace(/^v/, ''));
  if (!r)
    throw new Error(
      `unknown Kubernetes release "${wanted}": use a version like v1.37.2 or one of ${releases()
        .map((x) => x.minor)
        .join(', ')}`,
    );
  return r.version;
}

export function kubernetesVersion() {
  return process.env.STS_STORAGE_KUBE_VERSION ? resolveVersion(process.env.STS_STORAGE_KUBE_VERSION) : homeVersion();
}

export function hasGo() {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

function log(msg) {
  process.stderr.write(`[cluster] ${msg}\n`);
}

/**
 * A module directory for another release: the pinned module with its k8s.io
 * pins rewritten, and etcd at the version that release itself requires (Go's
 * minimal version selection would otherwise keep the pinned release's newer etcd).
 */
function moduleFor(version) {
  if (version === pinnedKubernetesVersion()) return MODULE_DIR;
  const dir = path.join(ROOT, '.cache', `cluster-src-${version}`);
  if (fs.existsSync(path.join(dir, 'go.sum')) && fs.readFileSync(path.join(dir, 'go.mod'), 'utf8').includes(`k8s.io/kubernetes ${version}`) && sameSources(dir))
    return dir;
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dir)) if (f.endsWith('.go')) fs.rmSync(path.join(dir, f));
  for (const f of fs.readdirSync(MODULE_DIR)) if (f.endsWith('.go')) fs.copyFileSync(path.join(MODULE_DIR, f), path.join(dir, f));
  const staging = `v0.${version.slice(3)}`;
  const upstream = JSON.parse(execFileSync('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${version}`], { cwd: ROOT, encoding: 'utf8' }));
  const upstreamMod = fs.readFileSync(upstream.GoMod, 'utf8');
  const pin = (mod) => {
    const m = new RegExp(`\\s${mod.replace(/\./g, '\\.')} (v[^\\s]+)`).exec(upstreamMod);
    if (!m) throw new Error(`k8s.io/kubernetes@${version} does not require ${mod}`);
    return m[1];
  };
  // The upstream go.mod decides which staging modules exist in this release.
  const replaces = [...upstreamMod.matchAll(/^\s*(k8s\.io\/[\w-]+) => \.\/staging/gm)].map((m) => m[1]);
  const goVersion = /^go (\S+)/m.exec(upstreamMod)[1];
  fs.writeFileSync(
    path.join(dir, 'go.mod'),
    [
      'module github.com/kubectl-sts-storage/test/cluster',
      '',
      `go ${goVersion}`,
      '',
      'require (',
      `\tgo.etcd.io/etcd/client/v3 ${pin('go.etcd.io/etcd/client/v3')}`,
      `\tgo.etcd.io/etcd/server/v3 ${pin('go.etcd.io/etcd/server/v3')}`,
      `\tk8s.io/kubernetes ${version}`,
      ')',
      '',
      'replace (',
      ...replaces.map((r) => `\t${r} => ${r} ${staging}`),
      ')',
      '',
    ].join('\n'),
  );
  fs.rmSync(path.join(dir, 'go.sum'), { force: true });
  execFileSync('go', ['mod', 'tidy'], { cwd: dir, stdio: 'inherit' });
  return dir;
}

function sameSources(dir) {
  return fs
    .readdirSync(MODULE_DIR)
    .filter((f) => f.endsWith('.go'))
    .every((f) => fs.existsSync(path.join(dir, f)) && fs.readFileSync(path.join(dir, f), 'utf8') === fs.readFileSync(path.join(MODULE_DIR, f), 'utf8'));
}

/** Where build() puts the harness binary of a release (the tests and the demo run it for etcd access). */
export function binaryFile(version) {
  return path.join(ROOT, '.cache', `sts-storage-cluster-${version}`);
}

function buildArgs(version) {
  const out = binaryFile(version);
  const [major, minor] = version.slice(1).split('.');
  const ldflags = [
    `-X main.kubernetesVersion=${version}`,
    `-X k8s.io/component-base/version.gitVersion=${version}`,
    `-X k8s.io/component-base/version.gitMajor=${major}`,
    `-X k8s.io/component-base/version.gitMinor=${minor}`,
    `-X k8s.io/client-go/pkg/version.gitVersion=${version}`,
    `-X k8s.io/client-go/pkg/version.gitMajor=${major}`,
    `-X k8s.io/client-go/pkg/version.gitMinor=${minor}`,
  ].join(' ');
  return { out, args: ['build', '-ldflags', ldflags, '-o', out, '.'], cwd: moduleFor(version) };
}

/** go build, cached by Go's build cache: minutes the first time, seconds after. */
export function build(version = kubernetesVersion()) {
  const { out, args, cwd } = buildArgs(version);
  const started = Date.now();
  log(`building Kubernetes ${version} (minutes the first time, seconds after)`);
  const r = spawnSync('go', args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`go build of the test control plane failed (exit ${r.status})`);
  log(`built ${path.relative(ROOT, out)} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return out;
}

/**
 * The same build in a child process, without blocking this one: the test
 * setup builds the legacy release's harness (for the upgrade test) while the
 * control plane under test and the tools build.
 */
export function buildInBackground(version) {
  const { out, args, cwd } = buildArgs(version);
  const started = Date.now();
  log(`building Kubernetes ${version} in the background`);
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`go build of the Kubernetes ${version} control plane failed (exit ${code})`));
      log(`built ${path.relative(ROOT, out)} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
      resolve(out);
    });
  });
}

function readState(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readyz(dir, state) {
  const kubeconfig = fs.readFileSync(path.join(dir, 'kubeconfig'), 'utf8');
  const field = (k) => Buffer.from(new RegExp(`${k}: (\\S+)`).exec(kubeconfig)[1], 'base64');
  return new Promise((resolve) => {
    const req = https.get(
      `${state.server}/readyz`,
      { ca: field('certificate-authority-data'), cert: field('client-certificate-data'), key: field('client-key-data'), timeout: 3000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

export async function status(dir = DEFAULT_STATE_DIR) {
  const state = readState(dir);
  if (!state || !alive(state.pid)) return { running: false, state };
  return { running: await readyz(dir, state), state, kubeconfig: path.join(dir, 'kubeconfig') };
}

/**
 * Starts the control plane in the background unless a healthy one runs;
 * returns its kubeconfig. keepData restarts on the etcd data of an earlier
 * run (the benchmark's seeded cluster); args go to `sts-storage-cluster up`.
 */
export async function up(dir = DEFAULT_STATE_DIR, { timeoutMs = 240_000, keepData = false, args = [], version = kubernetesVersion() } = {}) {
  const current = await status(dir);
  if (current.running && current.state.kubernetesVersion === version) {
    log(`already running at ${current.state.server} (Kubernetes ${current.state.kubernetesVersion})`);
    return { kubeconfig: current.kubeconfig, startedHere: false, state: current.state };
  }
  if (current.state) {
    log(
      current.running
        ? `the running control plane is Kubernetes ${current.state.kubernetesVersion}, not ${version}: replacing it`
        : 'a previous instance is not healthy: replacing it',
    );
    await stop(dir);
  }
  const binary = build(version);
  if (!keepData) fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(path.join(dir, 'ready'), { force: true });
  fs.mkdirSync(dir, { recursive: true });
  const logFile = fs.openSync(path.join(dir, 'supervisor.log'), 'a');
  const child = spawn(binary, ['up', '--dir', dir, ...args], { detached: true, stdio: ['ignore', logFile, logFile] });
  child.unref();
  const started = Date.now();
  let exited = false;
  child.on('exit', () => (exited = true));
  while (!fs.existsSync(path.join(dir, 'ready'))) {
    if (exited || Date.now() - started > timeoutMs) {
      const tail = fs.readFileSync(path.join(dir, 'supervisor.log'), 'utf8').split('\n').slice(-15).join('\n');
      throw new Error(`the control plane did not become ready${exited ? ' (it exited)' : ` within ${timeoutMs / 1000}s`}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const state = readState(dir);
  log(`ready at ${state.server} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  log(`kubeconfig ${path.relative(process.cwd(), path.join(dir, 'kubeconfig'))}`);
  return { kubeconfig: path.join(dir, 'kubeconfig'), startedHere: true, state };
}

export async function down(dir = DEFAULT_STATE_DIR) {
  await stop(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Stops the processes, keeping the state directory. */
export async function stop(dir = DEFAULT_STATE_DIR) {
  const state = readState(dir);
  if (state && alive(state.pid)) {
    process.kill(state.pid, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (alive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive(state.pid)) process.kill(state.pid, 'SIGKILL');
  }
  // Children follow the supervisor (Pdeathsig); make sure of it anyway.
  for (const pid of Object.values(state?.components ?? {})) if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/** The harness binary for this release (built if needed), which also runs kubectl. */
export function binaryPath(version = kubernetesVersion()) {
  return build(version);
}

async function cli(cmd) {
  switch (cmd) {
    case 'build':
      build();
      return 0;
    case 'up': {
      const r = await up();
      process.stdout.write(`export KUBECONFIG=${r.kubeconfig}\n`);
      return 0;
    }
    case 'down':
      await down();
      log('stopped and removed .cluster/');
      return 0;
    case 'status': {
      const s = await status();
      if (!s.running) {
        process.stdout.write(s.state ? 'not healthy (run npm run cluster:up to replace it)\n' : 'not running\n');
        return 1;
      }
      process.stdout.write(`running: ${s.state.server}, Kubernetes ${s.state.kubernetesVersion}, pid ${s.state.pid}, kubeconfig ${s.kubeconfig}\n`);
      return 0;
    }
    default:
      process.stderr.write('usage: node scripts/cluster.mjs build|up|down|status\n');
      return 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv[2]).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`[cluster] ${err.message}\n`);
      process.exit(1);
    },
  );
}
