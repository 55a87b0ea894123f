#!/usr/bin/env node
// `npm run package`: from a clean clone, with nothing but the npm registry,
// builds the release: the single-file bundle; Node single executable
// applications for linux/amd64, linux/arm64, darwin/amd64, darwin/arm64 and
// windows/amd64 (the blob injected with postject into the official Node
// binaries of one pinned version, taken from the npm registry and checked
// against pinned integrity hashes); one archive per platform with LICENSE;
// and krew-manifest.yaml with each archive's sha256. macOS executables are
// re-signed ad hoc with rcodesign (crates.io apple-codesign) when it is on
// PATH or STS_STORAGE_RCODESIGN names it; without it they are left unsigned
// and the output says so.
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';
import yazl from 'yazl';
import { bundle, BUNDLE } from './bundle.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PINS = JSON.parse(fs.readFileSync(path.join(ROOT, 'packaging', 'node-binaries.json'), 'utf8'));
const RELEASE = JSON.parse(fs.readFileSync(path.join(ROOT, 'packaging', 'release.json'), 'utf8'));
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
// Downloads and tools are cached per user, like Go's build cache: a new
// clone on the same machine reuses them, a new machine fetches them once.
const USER_CACHE = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'kubectl-sts-storage');
const CACHE = path.join(USER_CACHE, 'node-dist');
const RCODESIGN_VERSION = '0.29.0';
export const OUT = path.join(ROOT, 'dist', 'release');
export const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const log = (m) => process.stderr.write(`[package] ${m}\n`);

function integrityOf(file) {
  return `sha512-${createHash('sha512').update(fs.readFileSync(file)).digest('base64')}`;
}

/** The official Node binary of the pinned version for one platform, verified. */
async function nodeBinary(plat, pin) {
  const dir = path.join(CACHE, `${pin.package}-${PINS.nodeVersion}`);
  const exe = path.join(dir, 'package', 'bin', pin.os === 'windows' ? 'node.exe' : 'node');
  if (fs.existsSync(exe)) return exe;
  fs.mkdirSync(dir, { recursive: true });
  log(`downloading ${pin.package}@${PINS.nodeVersion} from the npm registry`);
  const name = execFileSync('npm', ['pack', `${pin.package}@${PINS.nodeVersion}`, '--pack-destination', dir, '--silent'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  const tgz = path.join(dir, name);
  const got = integrityOf(tgz);
  if (got !== pin.integrity) throw new Error(`${pin.package}@${PINS.nodeVersion}: integrity ${got} does not match the pinned ${pin.integrity}`);
  await tar.x({ file: tgz, cwd: dir });
  fs.rmSync(tgz);
  if (!fs.existsSync(exe)) throw new Error(`${pin.package} has no ${path.relative(dir, exe)}`);
  return exe;
}

/** rcodesign (crates.io apple-codesign), built with cargo once per machine when it is not on PATH. */
function rcodesign() {
  const cached = path.join(USER_CACHE, 'cargo', 'bin', 'rcodesign');
  const candidates = [process.env.STS_STORAGE_RCODESIGN, 'rcodesign', cached].filter(Boolean);
  const found = candidates.find((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);
  if (found) return found;
  if (spawnSync('cargo', ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  log(`building rcodesign ${RCODESIGN_VERSION} with cargo (about 10 minutes on 2 cores, once per machine)`);
  const r = spawnSync('cargo', ['install', 'apple-codesign', '--version', RCODESIGN_VERSION, '--locked', '--root', path.dirname(path.dirname(cached))], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return r.status === 0 ? cached : undefined;
}

function sha256(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function zip(out, files) {
  return new Promise((resolve, reject) => {
    const z = new yazl.ZipFile();
    for (const [abs, name, mode] of files) z.addFile(abs, name, { mode, mtime: new Date('2026-01-01T00:00:00Z') });
    z.outputStream.pipe(fs.createWriteStream(out)).on('close', resolve).on('error', reject);
    z.end();
  });
}

export async function packageRelease({ requireSigning = process.env.CI === 'true' } = {}) {
  await bundle();
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const binaries = {};
  for (const [plat, pin] of Object.entries(PINS.platforms)) binaries[plat] = await nodeBinary(plat, pin);

  // The blob must come from the same Node version as the binaries it goes
  // into: the pinned linux-x64 binary makes it. A V8 code cache (compiling
  // the bundle was most of a start-up) is only valid for the V8 build and CPU
  // that made it, so linux/amd64 gets a blob with one and every other
  // platform the same blob without.
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error('npm run package builds on linux/amd64 (it runs the pinned linux-x64 Node to make the blob)');
  const blobs = {};
  for (const useCodeCache of [false, true]) {
    const blob = path.join(OUT, `sea-prep${useCodeCache ? '-code-cache' : ''}.blob`);
    const config = path.join(OUT, 'sea-config.json');
    fs.writeFileSync(config, JSON.stringify({ main: BUNDLE, output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache }));
    execFileSync(binaries['linux-amd64'], ['--experimental-sea-config', config], { stdio: 'inherit' });
    fs.rmSync(config);
    blobs[useCodeCache] = blob;
  }

  const signer = rcodesign();
  if (!signer && requireSigning) throw new Error('rcodesign is needed to re-sign the macOS executables (install Rust/cargo, or set STS_STORAGE_RCODESIGN)');
  const tag = `v${PKG.version}`;
  const platforms = [];
  for (const [plat, pin] of Object.entries(PINS.platforms)) {
    const dir = path.join(OUT, plat);
    fs.mkdirSync(dir, { recursive: true });
    const exe = path.join(dir, pin.exe);
    fs.copyFileSync(binaries[plat], exe);
    fs.chmodSync(exe, 0o755);
    const blob = blobs[plat === 'linux-amd64'];
    const args = [path.join(ROOT, 'node_modules', 'postject', 'dist', 'cli.js'), exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE];
    if (pin.os === 'darwin') args.push('--macho-segment-name', 'NODE_SEA');
    execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    let signed = pin.os !== 'darwin';
    if (pin.os === 'darwin') {
      if (signer) {
        // Ad hoc (no certificate): what Apple silicon requires to run a binary at all.
        execFileSync(signer, ['sign', exe], { stdio: ['ignore', 'ignore', 'inherit'] });
        signed = true;
      } else log(`${plat}: rcodesign not found, the executable is NOT re-signed (macOS will refuse to run it)`);
    }
    fs.copyFileSync(path.join(ROOT, 'LICENSE'), path.join(dir, 'LICENSE'));
    const archive = path.join(OUT, `kubectl-sts-storage_${pin.os}_${pin.arch}.${pin.archive}`);
    if (pin.archive === 'zip')
      await zip(archive, [
        [exe, pin.exe, 0o100755],
        [path.join(dir, 'LICENSE'), 'LICENSE', 0o100644],
      ]);
    else await tar.c({ gzip: true, file: archive, cwd: dir, portable: true, mtime: new Date('2026-01-01T00:00:00Z') }, [pin.exe, 'LICENSE']);
    const uri = RELEASE.urlPattern.replace('{tag}', tag).replace('{os}', pin.os).replace('{arch}', pin.arch).replace('{ext}', pin.archive);
    platforms.push({ plat, pin, archive, uri, sha256: sha256(archive), signed, signer, size: fs.statSync(archive).size });
    log(`${path.relative(ROOT, archive)} ${(fs.statSync(archive).size / 1024 / 1024).toFixed(1)} MiB${signed ? '' : ' (unsigned)'}`);
  }
  for (const blob of Object.values(blobs)) fs.rmSync(blob);

  const template = fs.readFileSync(path.join(ROOT, 'packaging', 'krew-manifest.template.yaml'), 'utf8');
  const entries = platforms
    .map(
      (p) => `  - selector:
      matchLabels: {os: ${p.pin.os}, arch: ${p.pin.arch}}
    uri: ${p.uri}
    sha256: ${p.sha256}
    files:
    - {from: ${p.pin.exe}, to: .}
    - {from: LICENSE, to: .}
    bin: ${p.pin.exe}`,
    )
    .join('\n');
  const manifest = template
    .replace('{{version}}', tag)
    .replace('  platforms: []', `  platforms:\n${entries}`)
    .replace(/^# Template.*\n(#.*\n)*/, '# Generated by `npm run package`; edit packaging/krew-manifest.template.yaml instead.\n');
  fs.writeFileSync(path.join(ROOT, 'krew-manifest.yaml'), manifest);
  fs.writeFileSync(path.join(OUT, 'krew-manifest.yaml'), manifest);
  return platforms;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const platforms = await packageRelease();
  process.stdout.write(`${platforms.map((p) => `${path.relative(process.cwd(), p.archive)}  ${p.sha256}`).join('\n')}\nkrew-manifest.yaml\n`);
}
