// The metrics serve exports, derived from real audit reports: a finding is a
// series while it lasts and is gone after the audit that no longer finds it;
// an outage marks the series stale and keeps them.
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run-checks.js';
import { buildReport } from '../../../src/output/report.js';
import { createMetrics } from '../../../src/serve/metrics.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';
import { loadFixture, FIXTURE_NOW } from '../checks/fixture-loader.js';
import { parseMetrics } from '../../integration/metrics-text.js';
import { pieceText } from './piece-text.js';

function auditOf(fixture: string) {
  const snapshot = snapshotFromObjects(loadFixture(fixture)[0]!.objects, { source: 'cluster', now: FIXTURE_NOW });
  const { findings, skipped } = runChecks(snapshot);
  return buildReport({ source: 'cluster', allNamespaces: true }, findings, skipped);
}

const text = async (m: ReturnType<typeof createMetrics>) => (await m.exposition()).map(pieceText).join('');
const series = async (m: ReturnType<typeof createMetrics>, name: string) => parseMetrics(await text(m)).filter((s) => s.name === name);

describe('serve metrics', () => {
  it('one sts_storage_finding series per finding, with its message beside it; gone when resolved', async () => {
    let now = 1_000_000;
    const m = createMetrics({ version: 'test', server: 'https://x' }, () => now);
    expect((await series(m, 'sts_storage_last_audit_age_seconds'))[0]!.value).toBe(-1);
    const report = auditOf('sts-scale-down-deletes-claims');
    const f = report.findings.find((x) => x.code === 'STS-013')!;
    expect(f).toBeDefined();
    m.recordAudit(report, 0.02, now);
    const [ns, set] = f.statefulSet!.split('/');
    const findings = await series(m, 'sts_storage_finding');
    // One series per code and object; several findings of a code on one object (STS-009, one per claim) count in its value.
    const key = (x: (typeof report.findings)[number]) => `${x.code} ${x.severity} ${x.object.kind} ${x.object.name}`;
    expect(findings).toHaveLength(new Set(report.findings.map(key)).size);
    expect(findings.reduce((n, s) => n + s.value, 0)).toBe(report.findings.length);
    expect(findings.find((s) => s.labels['code'] === 'STS-009')!.value).toBe(report.findings.filter((x) => x.code === 'STS-009').length);
    expect(await series(m, 'sts_storage_finding_message')).toHaveLength(report.findings.length);
    expect(findings).toContainEqual({
      name: 'sts_storage_finding',
      labels: { code: 'STS-013', severity: f.severity, namespace: ns, statefulset: set, kind: f.object.kind, name: f.object.name },
      value: 1,
    });
    const messages = await series(m, 'sts_storage_finding_message');
    expect(messages.find((s) => s.labels['code'] === 'STS-013')!.labels).toMatchObject({ message: f.message, repair: f.fix!.command });
    const counts = await series(m, 'sts_storage_findings');
    expect(counts.find((s) => s.labels['code'] === 'STS-013')!.value).toBe(report.findings.filter((x) => x.code === 'STS-013').length);
    now += 5000;
    expect((await series(m, 'sts_storage_last_audit_age_seconds'))[0]!.value).toBe(5);

    m.recordAudit(buildReport({ source: 'cluster', allNamespaces: true }, [], []), 0.01, now);
    expect(await series(m, 'sts_storage_finding')).toEqual([]);
    expect(await series(m, 'sts_storage_finding_message')).toEqual([]);
    expect(await series(m, 'sts_storage_findings')).toEqual([]);
    expect((await series(m, 'sts_storage_audit_duration_seconds_count'))[0]!.value).toBe(2);
  });

  it('each family once, HELP and TYPE before its samples, whether its series are rendered per scrape or per audit', async () => {
    const m = createMetrics({ version: 'test', server: 'https://x' });
    m.recordAudit(auditOf('sts-scale-down-deletes-claims'), 0.01, Date.now());
    const lines = (await text(m)).split('\n');
    const helps = lines.filter((l) => l.startsWith('# HELP ')).map((l) => l.split(' ')[2]);
    expect(new Set(helps).size).toBe(helps.length);
    expect(helps).toEqual(expect.arrayContaining(['sts_storage_finding', 'sts_storage_finding_message', 'sts_storage_findings', 'sts_storage_up']));
    // every sample follows its own family's TYPE line, with no other family in between
    let family = '';
    for (const line of lines) {
      if (line.startsWith('# TYPE ')) family = line.split(' ')[2]!;
      else if (line && !line.startsWith('#')) expect(line.startsWith(family)).toBe(true);
    }
  });

  it('a scrape sees the last audit recorded, even when two are recorded at once', async () => {
    const m = createMetrics({ version: 'test', server: 'https://x' });
    m.recordAudit(auditOf('sts-scale-down-deletes-claims'), 0.01, Date.now());
    m.recordAudit(buildReport({ source: 'cluster', allNamespaces: true }, [], []), 0.01, Date.now());
    expect(await series(m, 'sts_storage_finding')).toEqual([]);
    m.recordAudit(auditOf('sts-scale-down-deletes-claims'), 0.01, Date.now());
    expect((await series(m, 'sts_storage_finding')).length).toBeGreaterThan(0);
  });

  it('two findings alike in every label are one series of each family (Prometheus refuses a series written twice)', async () => {
    const m = createMetrics({ version: 'test', server: 'https://x' });
    const report = auditOf('sts-scale-down-deletes-claims');
    const f = report.findings.find((x) => x.code === 'STS-013')!;
    m.recordAudit({ ...report, findings: [f, { ...f }] }, 0.01, Date.now());
    expect((await series(m, 'sts_storage_finding')).map((s) => s.value)).toEqual([2]);
    expect(await series(m, 'sts_storage_finding_message')).toHaveLength(1);
    expect((await series(m, 'sts_storage_findings')).map((s) => s.value)).toEqual([2]);
  });

  it("writes a message's quotes, backslashes and new lines as the text format escapes them", async () => {
    const m = createMetrics({ version: 'test', server: 'https://x' });
    const report = auditOf('sts-scale-down-deletes-claims');
    const f = report.findings.find((x) => x.code === 'STS-013')!;
    m.recordAudit({ ...report, findings: [{ ...f, message: 'a "b" \\c\nd' }] }, 0.01, Date.now());
    expect(await text(m)).toContain('message="a \\"b\\" \\\\c\\nd"');
    expect((await series(m, 'sts_storage_finding_message'))[0]!.labels['message']).toBe('a "b" \\c\nd');
  });

  it('stale until the first audit, and whenever the health says so; the findings stay', async () => {
    const m = createMetrics({ version: 'test', server: 'https://x' });
    expect((await series(m, 'sts_storage_findings_stale'))[0]!.value).toBe(1);
    expect((await series(m, 'sts_storage_up'))[0]!.value).toBe(0);
    m.recordAudit(auditOf('sts-scale-down-deletes-claims'), 0.01, Date.now());
    const kinds = [
      { resource: 'statefulsets', listed: true, connected: true, restarts: 0, relists: 0 },
      { resource: 'persistentvolumes', listed: true, connected: false, restarts: 2, relists: 1 },
      { resource: 'volumesnapshots', listed: true, connected: false, unavailable: 'not installed: …', restarts: 0, relists: 0 },
    ];
    m.recordHealth({ up: false, stale: true, kinds });
    expect((await series(m, 'sts_storage_findings_stale'))[0]!.value).toBe(1);
    expect((await series(m, 'sts_storage_finding')).length).toBeGreaterThan(0);
    expect(Object.fromEntries((await series(m, 'sts_storage_watch_up')).map((s) => [s.labels['resource'], s.value]))).toEqual({
      statefulsets: 1,
      persistentvolumes: 0,
      volumesnapshots: 1,
    });
    m.recordWatchRestart('persistentvolumes');
    expect((await series(m, 'sts_storage_watch_restarts_total'))[0]).toMatchObject({ labels: { resource: 'persistentvolumes' }, value: 1 });
  });

  it('says which checks were skipped and why, a kind not installed apart from a refusal', async () => {
    const m = createMetrics({ version: 'test', server: 'https://x' });
    m.recordAudit(
      buildReport(
        { source: 'cluster', allNamespaces: true },
        [],
        [
          { check: 'PV-001', reason: 'needs persistentvolumes: forbidden: no' },
          { check: 'VS-001', reason: 'needs volumesnapshots: not installed', notInstalled: true },
        ],
      ),
      0.01,
      Date.now(),
    );
    expect((await series(m, 'sts_storage_check_skipped')).map((s) => s.labels)).toEqual([
      { code: 'PV-001', reason: 'needs persistentvolumes: forbidden: no' },
      { code: 'VS-001', reason: 'not installed' },
    ]);
  });
});
