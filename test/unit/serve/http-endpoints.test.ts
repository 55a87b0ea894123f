// /report is kept as the audit's JSON and the watcher's state is added per
// request: what it sends must be what JSON.stringify({ ...report, status })
// would. A real HTTP server on a free loopback port; the report is a real one.
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../../src/checks/index.js';
import { runChecks } from '../../../src/checks/run-checks.js';
import { buildReport } from '../../../src/output/report.js';
import { createEndpoints } from '../../../src/serve/http-endpoints.js';
import { createMetrics, type ServeMetrics } from '../../../src/serve/metrics.js';
import type { WatcherStatus } from '../../../src/serve/storage-watcher.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';
import { FIXTURE_NOW, loadFixture } from '../checks/fixture-loader.js';

const servers: Array<{ close: () => void }> = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function serveWith(report: string | undefined, status: WatcherStatus, metrics?: ServeMetrics) {
  const registry = new Registry();
  const server = createEndpoints({
    metrics: metrics ? () => metrics.exposition() : async () => [await registry.metrics()],
    metricsType: registry.contentType,
    status: () => status,
    report: () => report,
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return async (path: string, method = 'GET') => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
  };
}

const status: WatcherStatus = {
  ready: true,
  up: true,
  stale: false,
  lastAudit: 1767268800000,
  kinds: [{ resource: 'persistentvolumeclaims', listed: true, connected: true, restarts: 1, relists: 0, lastError: 'a "quoted" reason' }],
};

describe('serve /report', () => {
  it('sends the last audit with the state of the watches, as one JSON object', async () => {
    const [c] = loadFixture('sts-scale-down-deletes-claims');
    const snapshot = snapshotFromObjects(c!.objects, { source: 'cluster', now: FIXTURE_NOW, scope: {} });
    const { findings, skipped } = runChecks(snapshot, { pendingThresholdMs: 300_000 }, ALL_CHECKS);
    const report = buildReport({ source: 'cluster', allNamespaces: true }, findings, skipped);
    expect(report.findings.length).toBeGreaterThan(0);
    const get = await serveWith(JSON.stringify(report), status);
    const answer = await get('/report');
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('application/json');
    expect(answer.body).toBe(`${JSON.stringify({ ...report, status })}\n`);
    expect(JSON.parse(answer.body)).toEqual({ ...JSON.parse(JSON.stringify(report)), status });
  });

  it('says it is not ready before the first audit', async () => {
    const get = await serveWith(undefined, { ...status, ready: false });
    const answer = await get('/report');
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({ ready: false, status: { ...status, ready: false } });
  });
});

describe('serve /metrics', () => {
  it("sends the exposition's pieces whole and in order, as Prometheus' text format; HEAD sends none", async () => {
    const [c] = loadFixture('sts-scale-down-deletes-claims');
    const snapshot = snapshotFromObjects(c!.objects, { source: 'cluster', now: FIXTURE_NOW, scope: {} });
    const { findings, skipped } = runChecks(snapshot, { pendingThresholdMs: 300_000 }, ALL_CHECKS);
    const metrics = createMetrics({ version: 'test', server: 'https://x' });
    metrics.recordAudit(buildReport({ source: 'cluster', allNamespaces: true }, findings, skipped), 0.01, Date.now());
    const get = await serveWith(undefined, status, metrics);
    const answer = await get('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.type).toBe(metrics.registry.contentType);
    const pieces = await metrics.exposition();
    expect(pieces).toHaveLength(2);
    // the process families change between two scrapes; the findings' rendered piece does not
    expect(answer.body.endsWith(pieces[1]!.toString())).toBe(true);
    expect(answer.body).toContain('sts_storage_finding{code="STS-013"');
    expect(answer.body).toContain('# TYPE sts_storage_up gauge');
    const head = await get('/metrics', 'HEAD');
    expect(head).toMatchObject({ status: 200, body: '' });
  });
});
