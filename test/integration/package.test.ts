// The release artifacts, built by `npm run package` from the pinned Node
// binaries on the npm registry. The linux/amd64 executable is run for real
// against the control plane; the others are checked structurally.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, harnessKubectl, kubeconfig, skipReason } from './helpers.js';
// @ts-expect-error plain ESM script without types
import { packageRelease, OUT, FUSE } from '../../scripts/package.mjs';
import { validateKrewManifest } from './krew-rules.js';
// @ts-expect-error plain ESM script without types
import { buildThirdParty, THIRD_PARTY_BUILD } from '../../scripts/third-party.mjs';

const PINS = JSON.parse(fs.readFileSync(path.join(ROOT, 'packaging', 'node-binaries.json'), 'utf8'));

interface Built {
  plat: string;
  archive: string;
  sha256: string;
  signed: boolean;
  signer?: string;
  size: number;
  pin: { os: string; arch: string; exe: string; archive: string };
}

/** The load commands of a 64-bit Mach-O file. */
function machoLoadCommands(file: string): number[] {
  const b = fs.readFileSync(file);
  expect(b.readUInt32LE(0)).toBe(0xfeedfacf);
  const ncmds = b.readUInt32LE(16);
  const cmds: number[] = [];
  let off = 32;
  for (let i = 0; i < ncmds; i++) {
    cmds.push(b.readUInt32LE(off));
    off += b.readUInt32LE(off + 4);
  }
  return cmds;
}
const LC_CODE_SIGNATURE = 0x1d;

/**
 * A real krew and validate-krew-manifest: on PATH, or built from the source in
 * ../shared/third-party (the Go module proxy refuses krew's main module). A
 * user's machine has neither, so the test says why it cannot run; under CI
 * that is a failure.
 */
function krewTools(): { krew?: string; validate?: string; reason?: string } {
  const onPath = (name: string) => {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  const krew = onPath('krew') ?? onPath('kubectl-krew');
  const validate = onPath('validate-krew-manifest');
  if (krew && validate) return { krew, validate };
  if (!fs.existsSync(THIRD_PARTY_BUILD)) return { reason: `no krew on PATH and no ${THIRD_PARTY_BUILD} to build it from` };
  const build = (tool: string) => {
    const { bin, missing } = buildThirdParty(tool, { timeoutMs: 900_000 }) as { bin?: string; missing?: string };
    if (!bin) throw new Error(missing);
    return bin;
  };
  return { krew: krew ?? build('krew'), validate: validate ?? build('validate-krew-manifest') };
}

describe.skipIf(!!skipReason)('release packaging', () => {
  let built: Built[];
  beforeAll(async () => {
    built = await packageRelease();
  }, 1_200_000);

  it('builds one archive per platform with the executable and LICENSE', async () => {
    expect(built.map((b) => b.plat).sort()).toEqual(['darwin-amd64', 'darwin-arm64', 'linux-amd64', 'linux-arm64', 'windows-amd64']);
    for (const b of built) {
      expect(path.basename(b.archive)).toBe(`kubectl-sts-storage_${b.pin.os}_${b.pin.arch}.${b.pin.archive}`);
      let names: string[];
      if (b.pin.archive === 'zip') {
        const data = fs.readFileSync(b.archive);
        names = ['kubectl-sts-storage.exe', 'LICENSE'].filter((n) => data.includes(Buffer.from(n)));
      } else {
        names = [];
        await tar.t({ file: b.archive, onReadEntry: (e) => names.push(e.path) });
      }
      expect(names.sort(), b.plat).toEqual([b.pin.exe, 'LICENSE'].sort());
      expect(createHash('sha256').update(fs.readFileSync(b.archive)).digest('hex')).toBe(b.sha256);
      process.stderr.write(`[package] ${path.basename(b.archive)}: ${(b.size / 1024 / 1024).toFixed(1)} MiB\n`);
    }
  });

  it('flips the SEA fuse in every executable; macOS executables carry a code signature', () => {
    for (const b of built) {
      const exe = path.join(OUT, b.plat, b.pin.exe);
      const data = fs.readFileSync(exe);
      expect(data.includes(Buffer.from(`${FUSE}:1`)), b.plat).toBe(true);
      expect(data.includes(Buffer.from(`${FUSE}:0`)), b.plat).toBe(false);
      if (b.pin.os === 'darwin') {
        expect(b.signed, `${b.plat} was not re-signed`).toBe(true);
        expect(machoLoadCommands(exe)).toContain(LC_CODE_SIGNATURE);
        // `rcodesign verify` calls itself unreliable; the signature's own description is what counts:
        // an ad hoc CodeDirectory for this executable, written after the blob was injected.
        const info = spawnSync(b.signer!, ['print-signature-info', exe], { encoding: 'utf8' });
        expect(info.status, info.stderr).toBe(0);
        expect(info.stdout).toContain('slot: CodeDirectory');
        expect(info.stdout).toContain('flags: CodeSignatureFlags(ADHOC)');
        expect(info.stdout).toContain('identifier: kubectl-sts-storage');
      }
    }
  });

  it("generates a krew manifest that follows krew's validation rules, with the real sha256 of each archive", () => {
    const manifest = parse(fs.readFileSync(path.join(ROOT, 'krew-manifest.yaml'), 'utf8'));
    expect(validateKrewManifest(manifest, 'sts-storage')).toEqual([]);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(manifest.spec.version).toBe(`v${pkg.version}`);
    for (const b of built) {
      const entry = manifest.spec.platforms.find(
        (p: { selector: { matchLabels: { os: string; arch: string } } }) =>
          p.selector.matchLabels.os === b.pin.os && p.selector.matchLabels.arch === b.pin.arch,
      );
      expect(entry.sha256).toBe(b.sha256);
      expect(entry.uri.endsWith(path.basename(b.archive))).toBe(true);
      expect(entry.bin).toBe(b.pin.exe);
    }
  });

  it('runs the linux/amd64 single executable: --help, version, and a real audit against the control plane', async () => {
    const b = built.find((x) => x.plat === 'linux-amd64')!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sea-'));
    await tar.x({ file: b.archive, cwd: dir });
    const exe = path.join(dir, 'kubectl-sts-storage');
    const help = spawnSync(exe, ['--help'], { encoding: 'utf8', env: { PATH: process.env['PATH'], HOME: dir } });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('fix-claimref');
    const version = spawnSync(exe, ['version'], { encoding: 'utf8', env: { PATH: process.env['PATH'], HOME: dir } });
    expect(version.stdout).toContain(`node v${PINS.nodeVersion}`);
    const audit = spawnSync(exe, ['audit', '-A', '-o', 'json', '--kubeconfig', kubeconfig], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'], HOME: dir },
    });
    expect([0, 1]).toContain(audit.status);
    expect(JSON.parse(audit.stdout).kind).toBe('AuditReport');
    const times = Array.from({ length: 5 }, () => {
      const t = process.hrtime.bigint();
      spawnSync(exe, ['--help'], { stdio: 'ignore' });
      return Number(process.hrtime.bigint() - t) / 1e6;
    }).sort((x, y) => x - y);
    process.stderr.write(`[package] single executable --help: median ${times[2]!.toFixed(0)} ms\n`);
  });

  it('installs the linux/amd64 archive with a real krew, runs it through kubectl, and passes validate-krew-manifest', { timeout: 900_000 }, (ctx) => {
    const tools = krewTools();
    if (!tools.krew) {
      if (process.env['CI'] === 'true' || process.env['REQUIRE_INTEGRATION']) throw new Error(`krew is required under CI: ${tools.reason}`);
      ctx.skip(`krew install not tested: ${tools.reason}`);
      return;
    }
    const b = built.find((x) => x.plat === 'linux-amd64')!;
    const krewRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'krew-root-'));
    const install = spawnSync(tools.krew, ['install', `--manifest=${path.join(ROOT, 'krew-manifest.yaml')}`, `--archive=${b.archive}`], {
      encoding: 'utf8',
      env: { ...process.env, KREW_ROOT: krewRoot },
      input: '',
    });
    expect(install.status, install.stderr).toBe(0);
    const linked = path.join(krewRoot, 'bin', 'kubectl-sts_storage');
    expect(fs.realpathSync(linked)).toContain(path.join(krewRoot, 'store', 'sts-storage'));
    // kubectl (the harness's, k8s.io/kubectl) finds the plugin krew linked, and nothing else: bin/ is not on this PATH.
    const kubectl = harnessKubectl();
    expect(kubectl, 'the harness binary carries kubectl').toBeDefined();
    const version = spawnSync(kubectl!, ['kubectl', 'sts-storage', 'version'], {
      encoding: 'utf8',
      env: { PATH: `${path.join(krewRoot, 'bin')}:/usr/bin:/bin`, HOME: krewRoot, KUBECONFIG: kubeconfig },
    });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/^kubectl-sts-storage \d/);
    expect(version.stdout).toContain(`node v${PINS.nodeVersion}`);
    // validate-krew-manifest wants the file named after the plugin; -skip-install because the release URLs are not served here.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krew-validate-'));
    fs.copyFileSync(path.join(ROOT, 'krew-manifest.yaml'), path.join(dir, 'sts-storage.yaml'));
    const validate = spawnSync(tools.validate!, ['-manifest', path.join(dir, 'sts-storage.yaml'), '-skip-install'], { encoding: 'utf8' });
    expect(validate.status, validate.stderr + validate.stdout).toBe(0);
    expect(validate.stderr + validate.stdout).toContain('structural validation OK');
  });

  it('installs from the repository with npm install -g, providing both command names', { timeout: 300_000 }, () => {
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-global-'));
    const packed = spawnSync('npm', ['pack', '--pack-destination', prefix, '--silent'], { cwd: ROOT, encoding: 'utf8' });
    expect(packed.status, packed.stderr).toBe(0);
    const tarball = path.join(prefix, packed.stdout.trim().split('\n').pop()!);
    const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], { encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);
    for (const name of ['kubectl-sts-storage', 'kubectl-sts_storage']) {
      const r = spawnSync(path.join(prefix, 'bin', name), ['version'], { encoding: 'utf8' });
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^kubectl-sts-storage \d/);
    }
  });
});
