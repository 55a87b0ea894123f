// The peers' and krew's source lives in ../shared/third-party (the Go module
// proxy refuses their main modules); its build.sh builds one, reusing an
// earlier build, and prints the executable's path. A user's machine has no
// such directory: callers get the reason instead of a path.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const THIRD_PARTY_BUILD = path.resolve(ROOT, '..', 'shared', 'third-party', 'build.sh');

/** { bin } of the built tool, or { missing } saying why there is none. */
export function buildThirdParty(tool, { timeoutMs = 1_800_000 } = {}) {
  if (!fs.existsSync(THIRD_PARTY_BUILD)) return { missing: `${THIRD_PARTY_BUILD} is absent (it holds the source)` };
  const r = spawnSync('bash', [THIRD_PARTY_BUILD, tool], { encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) return { missing: `${THIRD_PARTY_BUILD} ${tool} failed: ${(r.stderr || String(r.error)).trim().slice(-800)}` };
  return { bin: r.stdout.trim().split('\n').pop() };
}

/** Scratch HOME, TMPDIR and XDG directories for a peer run: popeye logs to TMPDIR, k8sgpt writes its config to XDG_CONFIG_HOME. */
export function peerScratchEnv(prefix = 'peer-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { HOME: dir, TMPDIR: dir, XDG_CONFIG_HOME: dir, XDG_CACHE_HOME: dir };
}
