#!/usr/bin/env node
// The tools users run beside this one, built from the Go module proxy the way
// the control plane is (scripts/cluster.mjs): helm 3 and 4,
// prometheus-operator, Prometheus and promtool, and the CSI snapshot-controller. Each is built once into .cache/tools/<name>-<version>
// (Go's build cache makes a rebuild take seconds), and all of them at once,
// while the control plane builds. `node scripts/go-tools.mjs [name…]`.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = path.join(ROOT, '.cache', 'tools');

const PROMETHEUS_OPERATOR = 'github.com/prometheus-operator/prometheus-operator';
const EXTERNAL_SNAPSHOTTER = 'github.com/kubernetes-csi/external-snapshotter';

/** name -> how to build it; versions are the ones the integration tests are written against. */
export const TOOLS = {
  helm3: { version: 'v3.21.4', install: 'helm.sh/helm/v3/cmd/helm' },
  helm4: { version: 'v4.3.2', install: 'helm.sh/helm/v4/cmd/helm' },
  'prometheus-operator': {
    version: 'v0.85.0',
    module: PROMETHEUS_OPERATOR,
    pkg: './cmd/operator',
    localReplace: /^replace \([^)]*\)\n?/m,
    published: [`${PROMETHEUS_OPERATOR}/pkg/apis/monitoring`, `${PROMETHEUS_OPERATOR}/pkg/client`],
  },
  // Prometheus 3 (its Go module is tagged v0.3xx) and promtool, in one build (they share most
  // packages) into one folder. Only static scrape targets are used, so every service-discovery
  // plugin (and the cloud SDKs they pull in) is left out.
  prometheus: {
    version: 'v0.316.0',
    tags: ['remove_all_sd'],
    install: ['github.com/prometheus/prometheus/cmd/prometheus', 'github.com/prometheus/prometheus/cmd/promtool'],
  },
  'snapshot-controller': {
    version: 'v8.7.0',
    module: `${EXTERNAL_SNAPSHOTTER}/v8`,
    pkg: './cmd/snapshot-controller',
    localReplace: /^replace \S+\/client\/v8 => \.\/client\n?/m,
    published: [`${EXTERNAL_SNAPSHOTTER}/client/v8`],
  },
};

function log(msg) {
  process.stderr.write(`[tools] ${msg}\n`);
}

export function toolFile(name) {
  return path.join(CACHE, `${name}-${TOOLS[name].version}`);
}

function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code}): ${err.trim()}`))));
  });
}

/**
 * prometheus-operator's and external-snapshotter's go.mod replace their own
 * API modules with folders the module download does not contain: build from
 * a copy of the module with those replace lines removed, requiring the
 * published modules of the same version instead.
 */
async function moduleCopy(name) {
  const { module, version, localReplace, published } = TOOLS[name];
  const dir = path.join(CACHE, 'src', `${name}-${version}`);
  if (fs.existsSync(path.join(dir, '.ready'))) return dir;
  const { Dir } = JSON.parse(execFileSync('go', ['mod', 'download', '-json', `${module}@${version}`], { cwd: ROOT, encoding: 'utf8' }));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(Dir, dir, { recursive: true });
  for (const f of walk(dir)) fs.chmodSync(f, fs.statSync(f).isDirectory() ? 0o755 : 0o644);
  const gomod = path.join(dir, 'go.mod');
  fs.writeFileSync(gomod, fs.readFileSync(gomod, 'utf8').replace(localReplace, ''));
  const pinned = published.map((m) => `${m}@${version}`);
  await run('go', ['mod', 'edit', ...pinned.map((p) => `-require=${p}`)], { cwd: dir });
  await run('go', ['mod', 'download', ...pinned], { cwd: dir });
  fs.writeFileSync(path.join(dir, '.ready'), '');
  return dir;
}

function* walk(dir) {
  yield dir;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

/** The tool's executable (or, for a tool of several programs, their folder), built if it is not there yet. */
export async function buildTool(name) {
  const out = toolFile(name);
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(CACHE, { recursive: true });
  const started = Date.now();
  const tool = TOOLS[name];
  log(`building ${name} ${tool.version}`);
  const tmp = `${out}.tmp`;
  if (tool.install) {
    const bin = path.join(CACHE, 'bin', name);
    const tags = tool.tags ? ['-tags', tool.tags.join(',')] : [];
    const packages = [tool.install].flat();
    fs.rmSync(bin, { recursive: true, force: true });
    await run('go', ['install', ...tags, ...packages.map((p) => `${p}@${tool.version}`)], { cwd: ROOT, env: { ...process.env, GOBIN: bin } });
    // One program: its file; several: the folder that holds them.
    if (packages.length === 1) fs.renameSync(path.join(bin, path.basename(packages[0])), tmp);
    else fs.renameSync(bin, tmp);
  } else {
    await run('go', ['build', '-o', tmp, tool.pkg], { cwd: await moduleCopy(name) });
  }
  fs.renameSync(tmp, out);
  log(`built ${path.relative(ROOT, out)} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return out;
}

/** Every tool, built at the same time: { name: path }. */
export async function buildTools(names = Object.keys(TOOLS)) {
  const paths = await Promise.all(names.map((n) => buildTool(n)));
  return Object.fromEntries(names.map((n, i) => [n, paths[i]]));
}

/** Where the tool's module lives in Go's module cache (its CRDs ship there). */
export function moduleDir(name) {
  const { module, version } = TOOLS[name];
  return JSON.parse(execFileSync('go', ['mod', 'download', '-json', `${module}@${version}`], { cwd: ROOT, encoding: 'utf8' })).Dir;
}

/**
 * The CSI snapshot CRDs of the snapshot-controller's own version, from the
 * published client module (config/crd): what a cluster installs with it.
 */
export function snapshotCrdFiles() {
  const { version } = TOOLS['snapshot-controller'];
  const { Dir } = JSON.parse(execFileSync('go', ['mod', 'download', '-json', `${EXTERNAL_SNAPSHOTTER}/client/v8@${version}`], { cwd: ROOT, encoding: 'utf8' }));
  const dir = path.join(Dir, 'config', 'crd');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .map((f) => path.join(dir, f));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  buildTools(names.length ? names : undefined).then(
    (paths) => process.stdout.write(`${JSON.stringify(paths, null, 2)}\n`),
    (err) => {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    },
  );
}
