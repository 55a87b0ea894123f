// A StatefulSet created by the real prometheus-operator (v0.85.0, built from
// the Go module proxy by scripts/go-tools.mjs, its CRDs from the same module),
// run out of cluster against the control plane and scoped to the test's
// namespace. `resize` goes through the Prometheus: the operator's documented
// procedure (pause, size, claims, orphan-delete, un-pause), so the resource,
// the claims and the set the operator creates again all end at the new size,
// the set owned by the Prometheus again, and no pod is deleted.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { kubeconfig, runCli, skipReason, useSandbox, waitFor, type Cluster } from './helpers.js';
import { reservedVolumes, tools, waitBound } from './owned-sets.js';
// @ts-expect-error plain ESM script without types
import { moduleDir } from '../../scripts/go-tools.mjs';
import type { Claim, KubeObject, Pod, StatefulSet } from '../../src/kube/types.js';

interface Prometheus extends KubeObject {
  spec: { paused?: boolean; storage: { volumeClaimTemplate: { spec: { resources: { requests: { storage: string } } } } } };
}

const PROMETHEUSES = (ns: string) => `/apis/monitoring.coreos.com/v1/namespaces/${ns}/prometheuses`;

/** The operator's CRDs, from its own module; cluster-wide, created when absent and left installed. */
async function installCrds(cluster: Cluster): Promise<void> {
  const dir = path.join(moduleDir('prometheus-operator'), 'example', 'prometheus-operator-crd');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const crd = parse(fs.readFileSync(path.join(dir, file), 'utf8')) as KubeObject;
    try {
      await cluster.client.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd });
    } catch (err) {
      if (!/already exists/.test(String(err))) throw err;
    }
  }
  await waitFor('the Prometheus CRD served', async () => {
    try {
      await cluster.client.request('GET', '/apis/monitoring.coreos.com/v1/prometheuses');
      return true;
    } catch {
      return false;
    }
  });
}

describe.skipIf(!!skipReason)('a StatefulSet owned by the real prometheus-operator', () => {
  const sandbox = useSandbox();
  let operator: ChildProcess | undefined;
  let log = '';
  afterEach(async () => {
    if (operator && operator.exitCode === null) {
      const exited = new Promise((r) => operator!.once('exit', r));
      operator.kill('SIGTERM');
      await exited;
    }
    operator = undefined;
  });

  function startOperator(ns: string): void {
    log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'prometheus-operator-')), 'operator.log');
    const out = fs.openSync(log, 'a');
    operator = spawn(tools['prometheus-operator']!, [`--namespaces=${ns}`, '--web.listen-address=127.0.0.1:0', '--log-level=info'], {
      env: { PATH: process.env['PATH'], KUBECONFIG: kubeconfig },
      stdio: ['ignore', out, out],
    });
  }

  it('resize goes through the Prometheus: resource, claims and the re-created, owned set at 2Gi; no pod deleted; undo re-creates nothing', async () => {
    const { cluster } = sandbox;
    await installCrds(cluster);
    const ns = await cluster.namespace('own-prom');
    const className = `own-${ns}`;
    const claimName = 'prometheus-p-db-prometheus-p-0';
    await reservedVolumes(cluster, ns, className, [claimName]);
    startOperator(ns);
    await cluster.client.request('POST', PROMETHEUSES(ns), {
      body: {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'Prometheus',
        metadata: { name: 'p' },
        spec: {
          replicas: 1,
          storage: {
            volumeClaimTemplate: { spec: { storageClassName: className, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
          },
        },
      },
    });
    await waitFor(
      `the operator to create statefulset prometheus-p (log: ${log})`,
      async () => !!(await cluster.get('StatefulSet', 'prometheus-p', ns)),
      90_000,
    );
    await waitBound(cluster, ns, [claimName]);
    await waitFor('pod prometheus-p-0', async () => !!(await cluster.get('Pod', 'prometheus-p-0', ns)));
    const prometheus = await cluster.client.request<Prometheus>('GET', `${PROMETHEUSES(ns)}/p`);
    const oldSet = (await cluster.get<StatefulSet>('StatefulSet', 'prometheus-p', ns))!;
    const podUid = (await cluster.get<Pod>('Pod', 'prometheus-p-0', ns))!.metadata!.uid;

    const resize = await runCli(['resize', 'prometheus-p', '-n', ns, '--to', '2Gi', '--yes'], { env: sandbox.env() });
    expect(resize.code, `${resize.stdout}${resize.stderr}\n(operator log: ${log})`).toBe(0);
    expect(resize.stdout).toContain(`Owner: Prometheus ${ns}/p (prometheus-operator)`);
    expect(resize.stdout).toContain(`pause Prometheus ${ns}/p and set spec.storage.volumeClaimTemplate.spec.resources.requests.storage to 2Gi (was 1Gi)`);

    const after = await cluster.client.request<Prometheus>('GET', `${PROMETHEUSES(ns)}/p`);
    expect(after.spec.storage.volumeClaimTemplate.spec.resources.requests.storage).toBe('2Gi');
    expect(after.spec.paused).toBe(false);
    expect((await cluster.get<Claim>('PersistentVolumeClaim', claimName, ns))!.spec!.resources!.requests!['storage']).toBe('2Gi');
    const newSet = (await cluster.get<StatefulSet>('StatefulSet', 'prometheus-p', ns))!;
    expect(newSet.metadata!.uid).not.toBe(oldSet.metadata!.uid);
    expect(newSet.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!['storage']).toBe('2Gi');
    expect(newSet.metadata!.ownerReferences).toEqual([expect.objectContaining({ kind: 'Prometheus', uid: prometheus.metadata!.uid, controller: true })]);
    const pod = (await cluster.get<Pod>('Pod', 'prometheus-p-0', ns))!;
    expect(pod.metadata!.uid).toBe(podUid);
    expect(pod.metadata!.ownerReferences).toEqual([expect.objectContaining({ uid: newSet.metadata!.uid })]);

    // Going back would have the operator delete every pod: undo re-creates nothing and says why.
    const backup = /Undo with: kubectl sts-storage undo (\S+)/.exec(resize.stdout)![1]!;
    const undo = await runCli(['undo', backup, '--yes'], { env: sandbox.env() });
    expect(undo.stdout.replace(/\n\s+/g, ' ')).toContain(
      `prometheus-operator created the set again from Prometheus ${ns}/p: to change it, change the resource`,
    );
    expect((await cluster.get<StatefulSet>('StatefulSet', 'prometheus-p', ns))!.metadata!.uid).toBe(newSet.metadata!.uid);
  });
});
