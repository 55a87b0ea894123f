// `serve` on the real control plane: a problem appears in the metrics within
// seconds of its cause and disappears within seconds of its repair; an API
// server that goes away makes the findings stale, never clean; the watches
// come back from where they were.
import { afterEach, describe, expect, it } from 'vitest';
import { harnessState, killApiServer, runCli, skipReason, useSandbox } from './helpers.js';
import { exposedSet } from './scenarios.js';
import { ServeProcess, has } from './serve-process.js';
import type { AuditReport } from '../../src/output/report.js';

const FAST = ['--interval', '1s', '--settle', '200ms', '--resync', '1m'];

describe.skipIf(!!skipReason)('serve on the real control plane', () => {
  const sandbox = useSandbox();
  let serve: ServeProcess | undefined;
  afterEach(async () => {
    if (serve) expect(await serve.stop()).toBe(0);
    serve = undefined;
  });

  it('a scale-down that would delete claims appears as series within seconds, and disappears after protect', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('serve');
    serve = await ServeProcess.start(['-n', ns, ...FAST]);
    await serve.waitFor('the first audit', (s) => has(s, 'sts_storage_findings_stale', {}, 0));
    expect((await serve.get('/readyz')).status).toBe(200);
    expect((await serve.get('/healthz')).body).toBe('ok\n');
    expect((await serve.metrics()).filter((s) => s.name === 'sts_storage_finding')).toEqual([]);

    await exposedSet(cluster, ns, { whenScaled: 'Delete', whenDeleted: 'Retain' });
    await serve.waitFor('STS-013 on web', (s) =>
      has(s, 'sts_storage_finding', { code: 'STS-013', severity: 'warning', namespace: ns, statefulset: 'web', kind: 'StatefulSet', name: 'web' }, 1),
    );
    const samples = await serve.metrics();
    expect(has(samples, 'sts_storage_findings', { code: 'STS-013', severity: 'warning' }, 1)).toBe(true);
    expect(has(samples, 'sts_storage_up', {}, 1)).toBe(true);
    const report = JSON.parse((await serve.get('/report')).body) as AuditReport & { status: { ready: boolean } };
    expect(report.status.ready).toBe(true);
    expect(report.findings.find((f) => f.code === 'STS-013')?.fix?.command).toBe(`kubectl sts-storage protect web -n ${ns} --retention`);
    // The checks' own words reach the metrics' consumers unchanged: the audit and /report agree.
    const once = await runCli(['audit', '-n', ns, '-o', 'json']);
    expect(report.findings.map((f) => f.code).sort()).toEqual((JSON.parse(once.stdout) as AuditReport).findings.map((f) => f.code).sort());

    const repaired = await runCli(['protect', 'web', '-n', ns, '--retention', '--yes'], { env: sandbox.env() });
    expect(repaired.code, repaired.stderr).toBe(0);
    await serve.waitFor('STS-013 gone', (s) => !has(s, 'sts_storage_finding', { code: 'STS-013', namespace: ns }));
    expect(has(await serve.metrics(), 'sts_storage_findings', { code: 'STS-013' })).toBe(false);
  });

  it.skipIf(!harnessState())('an API server restart: findings stay, marked stale, while it is gone; the watches resume after', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('serverestart');
    await exposedSet(cluster, ns, { whenScaled: 'Delete', whenDeleted: 'Retain' });
    serve = await ServeProcess.start(['-n', ns, ...FAST]);
    const finding = { code: 'STS-013', namespace: ns, statefulset: 'web' };
    await serve.waitFor('STS-013', (s) => has(s, 'sts_storage_finding', finding, 1) && has(s, 'sts_storage_findings_stale', {}, 0));

    const restart = await killApiServer();
    try {
      await serve.waitFor('stale', (s) => has(s, 'sts_storage_up', {}, 0) && has(s, 'sts_storage_findings_stale', {}, 1));
      // No all-clear while the server is gone: the finding is still reported.
      const during = await serve.metrics();
      expect(has(during, 'sts_storage_finding', finding, 1)).toBe(true);
      expect((await serve.get('/readyz')).status).toBe(200);
    } finally {
      await restart();
    }
    await serve.waitFor('current again', (s) => has(s, 'sts_storage_up', {}, 1) && has(s, 'sts_storage_findings_stale', {}, 0), 60_000);
    const after = await serve.metrics();
    expect(has(after, 'sts_storage_finding', finding, 1)).toBe(true);
    expect(after.filter((s) => s.name === 'sts_storage_watch_restarts_total').reduce((a, s) => a + s.value, 0)).toBeGreaterThan(0);
    expect(serve.log).toContain('findings are stale until it does');
    // Each watch is open again, resumed from its resourceVersion or, after a 410 Gone, listed again
    // (which of the two depends on whether the restarted server's watch cache is ready yet).
    expect((await serve.metrics()).filter((s) => s.name === 'sts_storage_watch_up' && s.value !== 1)).toEqual([]);

    // And the resumed watches see new changes: a repair after the restart clears the finding.
    const repaired = await runCli(['protect', 'web', '-n', ns, '--retention', '--yes'], { env: sandbox.env() });
    expect(repaired.code, repaired.stderr).toBe(0);
    await serve.waitFor('STS-013 gone after the restart', (s) => !has(s, 'sts_storage_finding', finding));
  });
});
