// The fleet audit's report, table, SARIF and exit code, from real audit
// reports of fixture snapshots: a failed cluster is always said, never clean.
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run-checks.js';
import { ALL_CHECKS } from '../../../src/checks/index.js';
import { makePaint } from '../../../src/output/colors.js';
import { buildReport } from '../../../src/output/report.js';
import { buildFleetReport, clusterSummaryLine, renderFleetSarif, type ClusterResult } from '../../../src/output/fleet-report.js';
import { renderFleetTable } from '../../../src/output/fleet-table.js';
import { isFleet } from '../../../src/cli/fleet-audit.js';
import { fleetExitCode } from '../../../src/cli/audit-exit.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';
import { loadFixture, FIXTURE_NOW } from '../checks/fixture-loader.js';

function auditOf(fixture: string) {
  const snapshot = snapshotFromObjects(loadFixture(fixture)[0]!.objects, { source: 'cluster', now: FIXTURE_NOW });
  const { findings, skipped } = runChecks(snapshot);
  return buildReport({ source: 'cluster', serverVersion: 'v1.37.2', allNamespaces: true }, findings, skipped);
}

const results = (): ClusterResult[] => [
  { context: 'prod', server: 'https://prod:6443', serverVersion: 'v1.37.2', status: 'audited', report: auditOf('pv-released-stale-claimref') },
  { context: 'staging', server: 'https://staging:6443', serverVersion: 'v1.36.3', status: 'audited', report: auditOf('sts-mount-undefined') },
  { context: 'dr', server: 'https://dr:6443', status: 'unreachable', error: 'cannot reach the API server https://dr:6443: connect ECONNREFUSED' },
];

describe('the fleet audit', () => {
  it('lists every finding with the cluster it was found in, and each cluster with its status', () => {
    const r = results();
    const fleet = buildFleetReport(r);
    expect(fleet.clusters.map((c) => [c.context, c.status, c.error])).toEqual([
      ['prod', 'audited', undefined],
      ['staging', 'audited', undefined],
      ['dr', 'unreachable', 'cannot reach the API server https://dr:6443: connect ECONNREFUSED'],
    ]);
    const audited = r.filter((c) => c.status === 'audited');
    expect(fleet.findings).toHaveLength(audited.reduce((n, c) => n + c.report.findings.length, 0));
    expect(fleet.findings.length).toBeGreaterThan(1);
    for (const f of fleet.findings) {
      const own = r.find((c) => c.context === f.cluster.context)!;
      expect(own.status).toBe('audited');
      expect(f.cluster.serverVersion).toBe(own.serverVersion);
      expect(own.status === 'audited' && own.report.findings.some((x) => x.code === f.code && x.object.name === f.object.name)).toBe(true);
    }
    expect(Object.keys(fleet.reports)).toEqual(['prod', 'staging']);
  });

  it('summarises each cluster in one line, a failed one with its reason', () => {
    const [prod, , dr] = results();
    const s = (prod as Extract<ClusterResult, { status: 'audited' }>).report.summary;
    expect(clusterSummaryLine(prod!)).toBe(
      `prod (v1.37.2): ${s.error} error${s.error === 1 ? '' : 's'}, ${s.warning} warning${s.warning === 1 ? '' : 's'}, ${s.info} info finding${s.info === 1 ? '' : 's'}${s.consequences ? `, ${s.consequences} following from them` : ''}`,
    );
    expect(clusterSummaryLine(dr!)).toBe('dr: not reached: cannot reach the API server https://dr:6443: connect ECONNREFUSED');
    const refused: ClusterResult = { context: 'x', status: 'refused', error: 'forbidden: no' };
    expect(clusterSummaryLine(refused)).toBe('x: refused: forbidden: no');
  });

  it('renders a section per cluster within 80 columns, then the summary', () => {
    const text = renderFleetTable(results(), { wide: false, paint: makePaint(false), width: 80, scopeText: () => 'in all namespaces (Kubernetes v1.37.2)' });
    for (const line of text.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
    const sections = text.split('\n').filter((l) => l.startsWith('=== Cluster '));
    expect(sections).toEqual(['=== Cluster prod (https://prod:6443)', '=== Cluster staging (https://staging:6443)', '=== Cluster dr (https://dr:6443)']);
    expect(text).toContain('Not audited: not reached: cannot reach the API server');
    expect(text).toMatch(/^3 cluster\(s\), 1 not audited:$/m);
    expect(text).toContain('in cluster prod, all namespaces');
  });

  it('writes one SARIF run per cluster; a cluster not read is a run that did not succeed', () => {
    const sarif = renderFleetSarif(results(), ALL_CHECKS);
    expect(sarif.runs.map((r) => r.automationDetails?.id)).toEqual(['prod/', 'staging/', 'dr/']);
    expect(sarif.runs[2]!.invocations![0]!.executionSuccessful).toBe(false);
    expect(sarif.runs[2]!.invocations![0]!.toolExecutionNotifications![0]!.message.text).toContain('ECONNREFUSED');
    expect(sarif.runs[0]!.results!.length).toBeGreaterThan(0);
  });

  it('exits 3 when any cluster was not audited, whatever --fail-on; else as the findings say', () => {
    const all = results();
    expect(fleetExitCode(all, 'never')).toBe(3);
    const live = all.slice(0, 2);
    expect(fleetExitCode(live, 'error')).toBe(1);
    expect(fleetExitCode(live, 'never')).toBe(0);
    const clean: ClusterResult[] = [{ context: 'a', status: 'audited', report: buildReport({ source: 'cluster', allNamespaces: true }, [], []) }];
    expect(fleetExitCode(clean, 'info')).toBe(0);
  });

  it('is asked for by --all-contexts or a list of contexts, not by one context', () => {
    expect(isFleet({ context: 'a,b' })).toBe(true);
    expect(isFleet({ 'all-contexts': true })).toBe(true);
    expect(isFleet({ context: 'a' })).toBe(false);
    expect(isFleet({})).toBe(false);
  });
});
