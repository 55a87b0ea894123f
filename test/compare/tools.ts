// Runs each tool once over the whole cluster and turns what it says into the
// same shape: which object, in its own words, and the repair it gives, if any.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../integration/helpers.js';
// @ts-expect-error plain ESM script without types
import { buildThirdParty, peerScratchEnv } from '../../scripts/third-party.mjs';

export interface Said {
  kind: string;
  namespace?: string;
  name: string;
  /** The tool's words, as printed. */
  text: string;
  /** A command or step the tool gives for it. */
  repair?: string;
}

export interface ToolRun {
  tool: string;
  version: string;
  command: string;
  said: Said[];
  /** Why the tool did not run, when it did not. */
  missing?: string;
}

function run(bin: string, args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024, timeout: 600_000 });
  if (r.error) throw r.error;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${path.basename(bin)} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-800)}`);
  return r.stdout;
}

function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

interface OurFinding {
  code: string;
  object: { kind: string; name: string; namespace?: string };
  message: string;
  evidence?: string[];
  fix?: { command?: string };
}

export function runOurs(kubeconfig: string): ToolRun {
  const bin = path.join(ROOT, 'bin', 'kubectl-sts-storage');
  const args = ['audit', '-A', '-o', 'json'];
  const out = run(process.execPath, [bin, ...args, '--kubeconfig', kubeconfig]);
  const report = JSON.parse(out) as { findings: OurFinding[] };
  const version = run(process.execPath, [bin, 'version']).trim();
  return {
    tool: 'kubectl sts-storage',
    version,
    command: `kubectl sts-storage ${args.join(' ')}`,
    said: report.findings.map((f) => ({
      kind: f.object.kind,
      namespace: f.object.namespace,
      name: f.object.name,
      text: `${f.code} ${f.message}${f.evidence?.length ? ` [${f.evidence.join('; ')}]` : ''}`,
      repair: f.fix?.command,
    })),
  };
}

const POPEYE_KINDS: Record<string, string> = {
  persistentvolumes: 'PersistentVolume',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  statefulsets: 'StatefulSet',
  pods: 'Pod',
  nodes: 'Node',
};

export function runPopeye(kubeconfig: string): ToolRun {
  const command = 'popeye -A -s pv,pvc,sts,po,no -o json';
  const { bin, missing } = buildThirdParty('popeye') as { bin?: string; missing?: string };
  if (!bin) return { tool: 'popeye', version: 'v0.22.1', command, said: [], missing };
  const out = run(bin, ['-A', '-s', 'pv,pvc,sts,po,no', '-o', 'json', '--force-exit-zero', '--kubeconfig', kubeconfig], peerScratchEnv('compare-peer-'));
  const report = JSON.parse(out) as { popeye: { sections?: Array<{ linter: string; issues?: Record<string, Array<{ message: string }>> }> } };
  const said: Said[] = [];
  for (const section of report.popeye.sections ?? [])
    for (const [key, issues] of Object.entries(section.issues ?? {}))
      for (const issue of issues) said.push({ kind: POPEYE_KINDS[section.linter] ?? section.linter, ...splitKey(key), text: issue.message });
  return { tool: 'popeye', version: 'v0.22.1', command, said };
}

export function runK8sgpt(kubeconfig: string): ToolRun {
  const filter = 'Pod,Node,StatefulSet,PersistentVolumeClaim,Storage';
  const command = `k8sgpt analyze --filter ${filter} -o json (no AI backend)`;
  const { bin, missing } = buildThirdParty('k8sgpt') as { bin?: string; missing?: string };
  if (!bin) return { tool: 'k8sgpt', version: 'v0.4.36', command, said: [], missing };
  const out = run(bin, ['analyze', '--filter', filter, '-o', 'json', '--kubeconfig', kubeconfig], peerScratchEnv('compare-peer-'));
  const report = JSON.parse(out) as { results?: Array<{ kind: string; name: string; error?: Array<{ Text: string }>; details?: string }> };
  const said: Said[] = [];
  for (const r of report.results ?? [])
    for (const e of r.error ?? [])
      said.push({ kind: r.kind.replace(/^Storage\//, ''), ...splitKey(r.name), text: e.Text, ...(r.details ? { repair: r.details } : {}) });
  return { tool: 'k8sgpt', version: 'v0.4.36', command, said };
}
