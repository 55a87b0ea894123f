// bin/launch.cjs: the bundle with V8's code cache (Node's own from 22.1, by hand on Node 20).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(ROOT, 'bin', 'kubectl-sts-storage');
const nodeHasCompileCache = typeof (Module as unknown as { enableCompileCache?: unknown }).enableCompileCache === 'function';

function run(tmp: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, 'explain', 'PV-002'], { env: { ...process.env, TMPDIR: tmp, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const files = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
    : [];

// Needs the bundle (npm test builds it first).
describe('bin/launch.cjs', () => {
  it('writes the code cache on the first run and runs the same from it', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'launch-'));
    const first = run(tmp);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('PV-002 (error)');
    const dir = nodeHasCompileCache ? path.join(tmp, 'node-compile-cache') : path.join(tmp, `kubectl-sts-storage-${process.getuid?.() ?? 'user'}`);
    const cached = files(dir);
    expect(cached.length).toBeGreaterThan(0);
    if (!nodeHasCompileCache) {
      expect(cached).toEqual([expect.stringMatching(new RegExp(`^${process.version}-${process.arch}-\\d+-\\d+\\.v8cache$`))]);
      // No partial file left behind by the atomic write.
      expect(cached.some((f) => /\.\d+$/.test(f))).toBe(false);
    }
    const second = run(tmp);
    expect(second).toEqual(first);
    expect(files(dir)).toEqual(cached);
  });

  it('writes nothing with NODE_DISABLE_COMPILE_CACHE', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'launch-'));
    const r = run(tmp, { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('PV-002 (error)');
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
