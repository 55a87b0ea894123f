#!/usr/bin/env node
// `npm run demo`: starts the project's control plane, reproduces the two
// seed situations through the real controllers (seed 000: a mount that names
// no template; seed 002 §6.4: a Released PV that keeps the deleted claim's
// uid), then runs the audit on them. Idempotent: a second run reuses both.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryFile, up } from './cluster.mjs';
import { KubeClient } from '../dist/kube/client.js';
import { ApiError } from '../dist/kube/errors.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function ensure(client, path, body) {
  try {
    await client.request('POST', path, { body });
  } catch (err) {
    if (!(err instanceof ApiError && err.conflict)) throw err;
  }
}

async function waitFor(what, probe, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await sleep(300);
  }
  throw new Error(`demo: timed out waiting for ${what}`);
}

const get = (client, p) => client.request('GET', p).catch((err) => (err instanceof ApiError && err.notFound ? undefined : Promise.reject(err)));

const { kubeconfig, state } = await up();
const client = await KubeClient.fromOptions({ kubeconfig, requestTimeoutMs: 30_000 });

// Seed 000: the generator named the template pvc-mysql-data-xxx and the mount mysql-data.
await ensure(client, '/api/v1/namespaces', { metadata: { name: 'shop' } });
await waitFor('the default ServiceAccount', async () => !!(await get(client, '/api/v1/namespaces/shop/serviceaccounts/default')));
const seed000 = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'mysql', namespace: 'shop' },
  spec: {
    serviceName: 'mysql',
    replicas: 1,
    selector: { matchLabels: { app: 'mysql' } },
    template: {
      metadata: { labels: { app: 'mysql' } },
      spec: { containers: [{ name: 'mysql', image: 'mysql:8', volumeMounts: [{ name: 'mysql-data', mountPath: '/var/lib/mysql' }] }] },
    },
    volumeClaimTemplates: [
      { metadata: { name: 'pvc-mysql-data-xxx' }, spec: { storageClassName: '', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } } },
    ],
  },
};
// Since 1.34 the API server refuses this StatefulSet at create; it lives on in
// clusters upgraded from 1.33, so it is stored in etcd the way they hold it.
const { minor } = await client.request('GET', '/version');
if (Number.parseInt(minor, 10) < 34) await ensure(client, '/apis/apps/v1/namespaces/shop/statefulsets', seed000);
else if (!(await get(client, '/apis/apps/v1/namespaces/shop/statefulsets/mysql'))) {
  const harness = binaryFile(state.kubernetesVersion);
  const stored = spawnSync(harness, ['store', '--dir', path.dirname(kubeconfig)], { input: JSON.stringify(seed000), encoding: 'utf8' });
  if (stored.status !== 0) throw new Error(`demo: storing seed 000 in etcd failed: ${stored.stderr}`);
}

// Seed 002 §6.4: PV pre-bound to shiqi/pvc-shiqi-redis; the claim binds, is deleted, is created again.
await ensure(client, '/api/v1/namespaces', { metadata: { name: 'shiqi' } });
const claim = {
  metadata: { name: 'pvc-shiqi-redis' },
  spec: { storageClassName: '', accessModes: ['ReadWriteMany'], resources: { requests: { storage: '64Mi' } } },
};
if (!(await get(client, '/api/v1/persistentvolumes/pv-shiqi-redis'))) {
  await ensure(client, '/api/v1/persistentvolumes', {
    metadata: { name: 'pv-shiqi-redis' },
    spec: {
      capacity: { storage: '64Mi' },
      accessModes: ['ReadWriteMany'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      hostPath: { path: '/tmp/pv-shiqi-redis' },
      claimRef: { namespace: 'shiqi', name: 'pvc-shiqi-redis' },
    },
  });
  await ensure(client, '/api/v1/namespaces/shiqi/persistentvolumeclaims', claim);
  await waitFor(
    'the claim to bind',
    async () => (await get(client, '/api/v1/namespaces/shiqi/persistentvolumeclaims/pvc-shiqi-redis'))?.status?.phase === 'Bound',
  );
  await client.request('DELETE', '/api/v1/namespaces/shiqi/persistentvolumeclaims/pvc-shiqi-redis');
  await waitFor('the PV to be Released', async () => (await get(client, '/api/v1/persistentvolumes/pv-shiqi-redis'))?.status?.phase === 'Released');
  await waitFor('the claim to be gone', async () => !(await get(client, '/api/v1/namespaces/shiqi/persistentvolumeclaims/pvc-shiqi-redis')));
  await ensure(client, '/api/v1/namespaces/shiqi/persistentvolumeclaims', claim);
}
await waitFor('the controllers to report', async () => {
  const events = await client.list('/api/v1/namespaces/shop/events');
  return events.some((e) => e.reason === 'FailedCreate');
});
client.close();

const shown = `bin/kubectl-sts-storage audit -A --kubeconfig ${path.relative(process.cwd(), kubeconfig)}`;
process.stderr.write(`\n${shown}\n\n`);
const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'kubectl-sts-storage'), 'audit', '-A', '--kubeconfig', kubeconfig, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.stderr.write(
  [
    '',
    'The control plane keeps running. Try it yourself:',
    `  export KUBECONFIG=${path.relative(process.cwd(), kubeconfig)} PATH="$PWD/bin:$PATH"`,
    '  kubectl-sts-storage show mysql -n shop',
    '(with kubectl on PATH, `kubectl sts-storage` works too). Stop it with',
    'npm run cluster:down.',
    '',
  ].join('\n'),
);
process.exit(r.status === 1 ? 0 : (r.status ?? 1));
