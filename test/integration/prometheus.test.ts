// A real Prometheus (built from the Go module proxy) scrapes `serve` and
// evaluates the shipped alerting rules: a StatefulSet whose scale-down would
// delete its claims fires StatefulSetScaleDownDeletesClaims, its description
// quoting the finding; after `protect` the alert resolves.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, runCli, skipReason, useSandbox, waitFor } from './helpers.js';
import { exposedSet } from './scenarios.js';
import { ServeProcess } from './serve-process.js';
import { tools } from './owned-sets.js';

interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
}

/** A port nothing listens on now (Prometheus takes a fixed --web.listen-address). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

class Prometheus {
  private log = '';
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(target: string): Promise<Prometheus> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sts-storage-prometheus-'));
    const config = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(
      config,
      [
        'global: {scrape_interval: 1s, evaluation_interval: 1s}',
        `rule_files: [${JSON.stringify(path.join(ROOT, 'deploy', 'chart', 'files', 'alerts.yaml'))}]`,
        'scrape_configs:',
        `  - {job_name: sts-storage, static_configs: [{targets: [${JSON.stringify(target)}]}]}`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    const child = spawn(
      path.join(tools['prometheus']!, 'prometheus'),
      [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const prometheus = new Prometheus(child, `http://127.0.0.1:${port}`);
    child.stderr!.on('data', (d) => (prometheus.log = (prometheus.log + d).slice(-20_000)));
    await waitFor('Prometheus to be ready', async () => (await fetch(`${prometheus.url}/-/ready`)).ok);
    return prometheus;
  }

  async api<T>(pathname: string): Promise<T> {
    const res = await fetch(this.url + pathname);
    const body = (await res.json()) as { status: string; data: T };
    if (body.status !== 'success') throw new Error(`${pathname}: ${JSON.stringify(body)}`);
    return body.data;
  }

  async alerts(): Promise<PromAlert[]> {
    return (await this.api<{ alerts: PromAlert[] }>('/api/v1/alerts')).alerts;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }

  get output(): string {
    return this.log;
  }
}

describe.skipIf(!!skipReason)('a real Prometheus scraping serve', () => {
  const sandbox = useSandbox();
  const running: Array<{ stop(): Promise<unknown> }> = [];
  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
  });

  it('fires StatefulSetScaleDownDeletesClaims on a set whose scale-down deletes claims, quoting the finding, and resolves it after protect', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('promalert');
    const serve = await ServeProcess.start(['-n', ns, '--interval', '1s', '--settle', '200ms']);
    running.push(serve);
    const prometheus = await Prometheus.start(new URL(serve.url).host);
    running.push(prometheus);
    await waitFor('the scrape of serve to be up', async () => {
      const { activeTargets } = await prometheus.api<{ activeTargets: Array<{ health: string }> }>('/api/v1/targets');
      return activeTargets.length === 1 && activeTargets[0]!.health === 'up';
    });

    await exposedSet(cluster, ns, { whenScaled: 'Delete', whenDeleted: 'Retain' });
    const mine = (a: PromAlert) => a.labels['alertname'] === 'StatefulSetScaleDownDeletesClaims' && a.labels['namespace'] === ns;
    await waitFor('the alert to fire', async () => (await prometheus.alerts()).some((a) => mine(a) && a.state === 'firing'), 60_000);
    const alert = (await prometheus.alerts()).find(mine)!;
    expect(alert.labels).toMatchObject({ severity: 'warning', code: 'STS-013', statefulset: 'web', kind: 'StatefulSet', name: 'web' });
    // The description opens with the finding's own message, read from the sts_storage_finding_message series.
    const report = JSON.parse((await serve.get('/report')).body) as { findings: Array<{ code: string; message: string }> };
    const finding = report.findings.find((f) => f.code === 'STS-013')!;
    expect(alert.annotations['description']!.split('\n')[0]).toBe(finding.message);
    expect(alert.annotations['remediation']!.split('\n')[0]).toBe(`kubectl sts-storage protect web -n ${ns} --retention`);

    const repaired = await runCli(['protect', 'web', '-n', ns, '--retention', '--yes'], { env: sandbox.env() });
    expect(repaired.code, repaired.stderr).toBe(0);
    await waitFor('the alert to resolve', async () => !(await prometheus.alerts()).some(mine), 60_000);
    expect(prometheus.output).not.toMatch(/level=error/);
  });
});
