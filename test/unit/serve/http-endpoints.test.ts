// /report is kept as the audit's JSON, compressed, and the watcher's state is
// added per request: what it sends must be what JSON.stringify({ status,
// ...report }) would, gzip-compressed or not as the client asks. A real HTTP
// server on a free loopback port; the report is a real one.
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import zlib from 'node:zlib';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../../src/checks/index.js';
import { runChecks } from '../../../src/checks/run-checks.js';
import { buildReport } from '../../../src/output/report.js';
import { CompressedText } from '../../../src/serve/compressed-text.js';
import { createEndpoints } from '../../../src/serve/http-endpoints.js';
import { createMetrics, type ServeMetrics } from '../../../src/serve/metrics.js';
import type { WatcherStatus } from '../../../src/serve/storage-watcher.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';
import { FIXTURE_NOW, loadFixture } from '../checks/fixture-loader.js';
import { pieceText } from './piece-text.js';

const servers: Array<{ close: () => void }> = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

/**
 * GETs (or HEADs) through node:http, which decompresses nothing: the answer's bytes as sent, its
 * encoding, and its text (gunzipped when it came compressed).
 */
function fetchRaw(port: number, path: string, method: string, acceptEncoding: string) {
  return new Promise<{ status: number; type?: string; encoding?: string; vary?: string; body: string }>((resolve, reject) => {
    http
      .request({ host: '127.0.0.1', port, path, method, headers: { 'Accept-Encoding': acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const encoding = res.headers['content-encoding'];
          try {
            // (a HEAD has no body to decompress)
            const body = (encoding === 'gzip' && bytes.length > 0 ? zlib.gunzipSync(bytes) : bytes).toString();
            resolve({ status: res.statusCode!, type: res.headers['content-type'], encoding, vary: res.headers['vary'], body });
          } catch (err) {
            reject(err);
          }
        });
      })
      .on('error', reject)
      .end();
  });
}

async function serveWith(report: string | undefined, status: WatcherStatus, metrics?: ServeMetrics) {
  const registry = new Registry();
  // As the watcher keeps it: the JSON without its opening brace, compressed.
  const members = report === undefined ? undefined : CompressedText.of(report.slice(1));
  const server = createEndpoints({
    metrics: metrics ? () => metrics.exposition() : async () => [await registry.metrics()],
    metricsType: registry.contentType,
    status: () => status,
    reportMembers: () => members,
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return (path: string, method = 'GET', acceptEncoding = 'identity') => fetchRaw(port, path, method, acceptEncoding);
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
    const plain = await get('/report');
    expect(plain).toMatchObject({ status: 200, type: 'application/json', encoding: undefined, vary: 'Accept-Encoding' });
    expect(plain.body).toBe(`${JSON.stringify({ status, ...report })}\n`);
    expect(JSON.parse(plain.body)).toEqual({ ...JSON.parse(JSON.stringify(report)), status });
    // Compressed for a client that accepts gzip, the same text.
    const gzipped = await get('/report', 'GET', 'gzip, deflate');
    expect(gzipped).toMatchObject({ status: 200, encoding: 'gzip', body: plain.body });
    // ... and not for one that refuses it.
    expect(await get('/report', 'GET', 'gzip;q=0, identity')).toMatchObject({ encoding: undefined, body: plain.body });
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
    const pieces = await metrics.exposition();
    expect(pieces).toHaveLength(2);
    // As Prometheus asks (gzip), and as a client that takes no compression.
    for (const [acceptEncoding, encoding] of [
      ['gzip', 'gzip'],
      ['identity', undefined],
    ] as const) {
      const answer = await get('/metrics', 'GET', acceptEncoding);
      expect(answer).toMatchObject({ status: 200, type: metrics.registry.contentType, encoding });
      // the process families change between two scrapes; the findings' rendered piece does not
      expect(answer.body.endsWith(pieceText(pieces[1]!))).toBe(true);
      expect(answer.body).toContain('sts_storage_finding{code="STS-013"');
      expect(answer.body).toContain('# TYPE sts_storage_up gauge');
    }
    const head = await get('/metrics', 'HEAD', 'gzip');
    expect(head).toMatchObject({ status: 200, body: '' });
  });
});
