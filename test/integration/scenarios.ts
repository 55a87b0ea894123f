// The real situations the audit and the repairs are proven on. Each builds
// its state through the real controllers and returns what it created.
import { Cluster, waitFor } from './helpers.js';
import { claim, statefulSet, volume } from './fixtures.js';
import type { Claim, StatefulSet, Volume } from '../../src/kube/types.js';

/**
 * Seed 000: template pvc-mysql-data-xxx, mount mysql-data; the controller
 * reports FailedCreate. Since 1.34 the API server refuses such a StatefulSet,
 * so it is stored as a cluster upgraded from 1.33 holds it (createLegacy).
 */
export async function seed000(cluster: Cluster, ns: string): Promise<void> {
  await cluster.createLegacy(statefulSet('mysql', { template: 'pvc-mysql-data-xxx', mount: 'mysql-data', storageClassName: '' }), ns);
  await waitFor('FailedCreate on statefulset mysql', async () => {
    const events = await cluster.client.list<{ reason?: string; involvedObject: { name?: string } }>(`/api/v1/namespaces/${ns}/events`);
    return events.some((e) => e.reason === 'FailedCreate' && e.involvedObject.name === 'mysql');
  });
}

/**
 * Seed 002 §6.4: a Retain PV pre-bound to <ns>/pvc-shiqi-redis; the claim binds,
 * is deleted (PV Released, old uid kept), is created again and stays Pending.
 */
export async function seed002(cluster: Cluster, ns: string): Promise<{ pv: string; oldUid: string; newUid: string }> {
  const pv = `pv-shiqi-redis-${ns}`;
  await cluster.create(volume(pv, { size: '64Mi', accessModes: ['ReadWriteMany'], claimRef: { namespace: ns, name: 'pvc-shiqi-redis' } }));
  const first = await cluster.create(claim('pvc-shiqi-redis', { size: '64Mi', accessModes: ['ReadWriteMany'] }), ns);
  await waitFor('pvc-shiqi-redis Bound', async () => (await cluster.get<Claim>('PersistentVolumeClaim', 'pvc-shiqi-redis', ns))?.status?.phase === 'Bound');
  await cluster.remove('PersistentVolumeClaim', 'pvc-shiqi-redis', ns);
  await waitFor('PV Released with the old uid', async () => {
    const v = await cluster.get<Volume>('PersistentVolume', pv);
    return v?.status?.phase === 'Released' && v.spec?.claimRef?.uid === first.metadata?.uid;
  });
  await waitFor('claim gone', async () => !(await cluster.get('PersistentVolumeClaim', 'pvc-shiqi-redis', ns)));
  const second = await cluster.create(claim('pvc-shiqi-redis', { size: '64Mi', accessModes: ['ReadWriteMany'] }), ns);
  // Several binder syncs (1s period) must pass with the claim still Pending.
  await new Promise((r) => setTimeout(r, 3000));
  const now = await cluster.get<Claim>('PersistentVolumeClaim', 'pvc-shiqi-redis', ns);
  if (now?.status?.phase !== 'Pending') throw new Error(`seed002: re-created claim is ${now?.status?.phase}, expected Pending`);
  return { pv, oldUid: first.metadata!.uid!, newUid: second.metadata!.uid! };
}

/**
 * A PV reserved (claimRef, no uid) for a claim a StatefulSet will create, as
 * a restore does: generate-template --apply accepts a new template only when
 * its claims can bind, and here they bind this PV.
 */
export async function reserveVolumeFor(cluster: Cluster, ns: string, claimName: string): Promise<string> {
  const pv = `pv-${claimName}-${ns}`;
  await cluster.create(volume(pv, { claimRef: { namespace: ns, name: claimName } }));
  return pv;
}

/** A Released PV whose claim is gone for good. */
export async function releasedClaimGone(cluster: Cluster, ns: string, name = 'gone'): Promise<string> {
  const pv = `pv-${name}-${ns}`;
  // A class of this namespace's own: repairs may clear the claimRef (--full), and a free PV of
  // class "" would then go to any other test's Pending claim.
  const storageClassName = `released-${ns}`;
  await cluster.create(volume(pv, { claimRef: { namespace: ns, name }, storageClassName }));
  await cluster.create(claim(name, { storageClassName }), ns);
  await waitFor(`${name} Bound`, async () => (await cluster.get<Claim>('PersistentVolumeClaim', name, ns))?.status?.phase === 'Bound');
  await cluster.remove('PersistentVolumeClaim', name, ns);
  await waitFor('PV Released', async () => (await cluster.get<Volume>('PersistentVolume', pv))?.status?.phase === 'Released');
  return pv;
}

export async function waitForClaimPhase(cluster: Cluster, ns: string, name: string, phase: string): Promise<Claim> {
  let last: Claim | undefined;
  await waitFor(`claim ${ns}/${name} ${phase}`, async () => {
    last = await cluster.get<Claim>('PersistentVolumeClaim', name, ns);
    return last?.status?.phase === phase;
  });
  return last!;
}

export async function waitForClaims(cluster: Cluster, ns: string, names: string[]): Promise<void> {
  await waitFor(`claims ${names.join(', ')}`, async () => {
    for (const n of names) if (!(await cluster.get('PersistentVolumeClaim', n, ns))) return false;
    return true;
  });
}

export type { StatefulSet };

/**
 * A Node the scheduler can use: Ready, with capacity, and without the
 * not-ready taint that TaintNodesByCondition admission puts on every new node.
 * The test plays its kubelet: the Lease is renewed (Cluster.heartbeat), so the
 * node-lifecycle controller keeps it Ready until the test stops the heartbeat.
 * attachDetach lets the attach-detach controller manage its volumes (the
 * kubelet's volumes.kubernetes.io/controller-managed-attach-detach annotation).
 */
export async function fakeNode(cluster: Cluster, name: string, opts: { labels?: Record<string, string>; attachDetach?: boolean } = {}): Promise<void> {
  await cluster.create({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { 'kubernetes.io/hostname': name, ...opts.labels },
      ...(opts.attachDetach ? { annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } } : {}),
    },
  });
  await cluster.heartbeat(name);
  await cluster.client.request('PATCH', `/api/v1/nodes/${name}/status`, {
    contentType: 'application/merge-patch+json',
    body: {
      status: {
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'fake node', lastHeartbeatTime: new Date().toISOString() }],
        allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
        capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      },
    },
  });
  await cluster.patch('Node', name, undefined, { spec: { taints: null } });
}

/** The static PV reserved for ordinal i of exposedSet's web. */
export const exposedPvName = (ns: string, i: number) => `pv-${ns}-${i}`;

/** web: 3 Parallel replicas whose claims bind static PVs of reclaimPolicy Delete reserved for them. */
export async function exposedSet(cluster: Cluster, ns: string, policy: Record<string, string>, replicas = 3): Promise<void> {
  for (let i = 0; i < replicas; i++)
    await cluster.create(volume(exposedPvName(ns, i), { reclaim: 'Delete', claimRef: { namespace: ns, name: `data-web-${i}` } }));
  const sts = statefulSet('web', { replicas, parallel: true, storageClassName: '' }) as unknown as StatefulSet;
  sts.spec!.persistentVolumeClaimRetentionPolicy = policy;
  sts.spec!.template.spec!.nodeSelector = { 'sts-storage.test/no-such-node': 'true' };
  await cluster.create(sts, ns);
  await waitFor(`${replicas} claims of web Bound`, async () => {
    for (let i = 0; i < replicas; i++) if ((await cluster.get<Claim>('PersistentVolumeClaim', `data-web-${i}`, ns))?.status?.phase !== 'Bound') return false;
    return true;
  });
}
