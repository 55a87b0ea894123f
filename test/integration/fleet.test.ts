// audit --all-contexts over three instances of the project's own control
// plane: the suite's, a second one started here, and a third started and then
// stopped. The two live clusters' findings come back under their context
// names, the stopped one is reported with its reason, and the exit code says
// that one cluster could not be audited.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { Cluster, harnessState, kubeconfig, runCli, skipReason, useSandbox } from './helpers.js';
import { seed002 } from './scenarios.js';
import type { FleetReport } from '../../src/output/fleet-report.js';
// @ts-expect-error plain ESM script without types
import { down, stop, up } from '../../scripts/cluster.mjs';

interface KubeconfigFile {
  clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
  users: Array<{ name: string; user: Record<string, unknown> }>;
  contexts: Array<{ name: string; context: { cluster: string; user: string; namespace?: string } }>;
  'current-context'?: string;
}

/** One kubeconfig with a context per plane, named as a user's would be. */
function mergedKubeconfig(files: Record<string, string>): string {
  const merged: KubeconfigFile = { clusters: [], users: [], contexts: [] };
  for (const [name, file] of Object.entries(files)) {
    const k = parse(fs.readFileSync(file, 'utf8')) as KubeconfigFile;
    merged.clusters.push({ name, cluster: k.clusters[0]!.cluster });
    merged.users.push({ name, user: k.users[0]!.user });
    merged.contexts.push({ name, context: { cluster: name, user: name } });
  }
  merged['current-context'] = Object.keys(files)[0];
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sts-storage-fleet-')), 'kubeconfig');
  fs.writeFileSync(out, stringify({ apiVersion: 'v1', kind: 'Config', ...merged }));
  return out;
}

describe.skipIf(!!skipReason || !harnessState())('audit over several clusters', () => {
  const sandbox = useSandbox();
  const second = fs.mkdtempSync(path.join(os.tmpdir(), 'sts-storage-fleet-b-'));
  const third = fs.mkdtempSync(path.join(os.tmpdir(), 'sts-storage-fleet-c-'));
  let fleet = '';

  beforeAll(async () => {
    const [b, c] = await Promise.all([up(second), up(third)]);
    // The third is stopped: its kubeconfig still names it, and nothing answers.
    await stop(third);
    fleet = mergedKubeconfig({ home: kubeconfig, 'east-1': b.kubeconfig, 'west-1': c.kubeconfig });
  }, 600_000);
  afterAll(async () => {
    await Promise.all([down(second), down(third)]);
  });

  it('--all-contexts: each live cluster findings under its name, the stopped one with its reason, exit 3', async () => {
    const ns = await sandbox.cluster.namespace('fleet');
    const { pv } = await seed002(sandbox.cluster, ns);
    // The second plane gets a problem of its own, in a namespace of the same name.
    const east = new Cluster(path.join(second, 'kubeconfig'));
    try {
      const eastNs = await east.namespace('fleet');
      await seed002(east, eastNs);
      const result = await runCli(['audit', '--all-contexts', '-A', '-o', 'json', '--request-timeout', '5s'], { kubeconfig: fleet });
      expect(result.code, result.stderr).toBe(3);
      const report = JSON.parse(result.stdout) as FleetReport;
      expect(report.kind).toBe('FleetAuditReport');
      expect(report.clusters.map((c) => [c.context, c.status])).toEqual([
        ['home', 'audited'],
        ['east-1', 'audited'],
        ['west-1', 'unreachable'],
      ]);
      const westReason = report.clusters[2]!.error!;
      expect(westReason).toMatch(/cannot reach the API server https:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
      expect(report.clusters[0]!.serverVersion).toBe(harnessState()!.kubernetesVersion);
      // Each cluster's own finding, named by its cluster.
      const pvFindings = (context: string, name: string) =>
        report.findings.filter((f) => f.cluster.context === context && f.object.kind === 'PersistentVolume' && f.object.name === name).map((f) => f.code);
      expect(pvFindings('home', pv)).toContain('PV-002');
      const eastPv = report.reports['east-1']!.findings.find((f) => f.object.namespace === undefined && f.code === 'PV-002');
      expect(eastPv).toBeDefined();
      expect(report.findings.filter((f) => f.cluster.context === 'east-1').every((f) => f.cluster.serverVersion === harnessState()!.kubernetesVersion)).toBe(
        true,
      );
      expect(result.stderr).toContain(`error: cluster west-1: ${westReason}`);

      // The table: a section per cluster and a summary line each.
      const table = await runCli(['audit', '--context', 'west-1,home', '-A', '--request-timeout', '5s'], { kubeconfig: fleet });
      expect(table.code).toBe(3);
      expect(table.stdout).toMatch(/^=== Cluster west-1 \(https:\/\/127\.0\.0\.1:\d+\)$/m);
      expect(table.stdout).toMatch(/^=== Cluster home /m);
      expect(table.stdout).toMatch(/^2 cluster\(s\), 1 not audited:$/m);
      expect(table.stdout).toMatch(new RegExp(`^  home \\(${harnessState()!.kubernetesVersion.replace(/\./g, '\\.')}\\): \\d+ errors?, `, 'm'));
      expect(table.stdout).toContain(`  west-1: not reached: ${westReason}`);

      // The live ones alone: no failure, so the findings decide (PV-002 is an error).
      const live = await runCli(['audit', '--context', 'home,east-1', '-A', '-o', 'sarif'], { kubeconfig: fleet });
      expect(live.code, live.stderr).toBe(1);
      const sarif = JSON.parse(live.stdout) as { runs: Array<{ automationDetails: { id: string }; results: unknown[] }> };
      expect(sarif.runs.map((r) => r.automationDetails.id)).toEqual(['home/', 'east-1/']);
      expect(sarif.runs.every((r) => r.results.length > 0)).toBe(true);

      // A repair takes exactly one context.
      const repair = await runCli(['fix-claimref', pv, '--context', 'home,east-1', '--dry-run'], { kubeconfig: fleet });
      expect(repair.code).toBe(2);
      expect(repair.stderr).toContain('works on exactly one context');
    } finally {
      await east.cleanup();
    }
  });

  it('names that are not contexts are refused before any cluster is read', async () => {
    const r = await runCli(['audit', '--context', 'home,nowhere'], { kubeconfig: fleet });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no context "nowhere" in the kubeconfig (contexts: home, east-1, west-1)');
  });
});
