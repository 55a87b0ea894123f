// Nodes and volumes as the node tests build them, shared with the comparison
// (test/compare). No kubelet runs: these play its parts (the Lease, the CSINode
// registration, volumesInUse) and the external-attacher's (status.attached).
import { waitFor, type Cluster } from './helpers.js';
import { fakeNode } from './scenarios.js';
import { statefulSet } from './fixtures.js';
import type { KubeObject, Node, Pod, StatefulSet, VolumeAttachment } from '../../src/kube/types.js';

export const POOL = 'sts-storage.test/pool';

/** The kubelet's CSI registration: the driver in the node's CSINode, with a volume limit. */
export async function registerDriver(cluster: Cluster, node: string, driver: string, count = 8): Promise<void> {
  await cluster.create({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'CSINode',
    metadata: { name: node },
    spec: { drivers: [{ name: driver, nodeID: node, allocatable: { count } }] },
  } as KubeObject);
}

export function csiVolume(name: string, driver: string, claim: { namespace: string; name: string }, nodeAffinity?: Record<string, string[]>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      csi: { driver, volumeHandle: name },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...claim },
      ...(nodeAffinity
        ? {
            nodeAffinity: {
              required: { nodeSelectorTerms: [{ matchExpressions: Object.entries(nodeAffinity).map(([key, values]) => ({ key, operator: 'In', values })) }] },
            },
          }
        : {}),
    },
  } as KubeObject;
}

/**
 * A set of `name` whose pods may run only on the test's nodes (label pool=ns).
 * Its ordinal's claim is created first and waited Bound (the StatefulSet
 * controller adopts a claim of the expected name), so the scheduler's first
 * look at the pod already sees a bound claim: an unbound one is retried only
 * on a later event, which 1.33 may not send for minutes.
 */
export async function pooledSet(cluster: Cluster, ns: string, name: string): Promise<void> {
  const claim = `data-${name}-0`;
  await cluster.create(
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: claim },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: '', resources: { requests: { storage: '1Gi' } } },
    } as KubeObject,
    ns,
  );
  await waitFor(
    `${claim} Bound`,
    async () => (await cluster.get<{ status?: { phase?: string } }>('PersistentVolumeClaim', claim, ns))?.status?.phase === 'Bound',
  );
  const sts = statefulSet(name, { replicas: 1, parallel: true, storageClassName: '' }) as unknown as StatefulSet;
  sts.spec!.template.spec!.nodeSelector = { [POOL]: ns };
  await cluster.create(sts, ns);
}

export const pod = (cluster: Cluster, ns: string, name: string) => cluster.get<Pod>('Pod', name, ns);
export const attachments = async (cluster: Cluster, pv: string) =>
  (await cluster.client.list<VolumeAttachment>('/apis/storage.k8s.io/v1/volumeattachments')).filter((a) => a.spec?.source?.persistentVolumeName === pv);

/** Two heart-beating nodes with the driver, a CSIDriver that needs attaching, and web-0 scheduled with its volume attached. */
export async function attachedOrdinal(cluster: Cluster, ns: string): Promise<{ driver: string; pv: string; dead: string; alive: string }> {
  const driver = `csi-${ns}.example.com`;
  await cluster.create({ apiVersion: 'storage.k8s.io/v1', kind: 'CSIDriver', metadata: { name: driver }, spec: { attachRequired: true } } as KubeObject);
  const names = [`node-a-${ns}`, `node-b-${ns}`];
  for (const n of names) {
    await fakeNode(cluster, n, { labels: { [POOL]: ns }, attachDetach: true });
    await registerDriver(cluster, n, driver);
  }
  const pv = `pv-node-${ns}`;
  await cluster.create(csiVolume(pv, driver, { namespace: ns, name: 'data-web-0' }));
  await pooledSet(cluster, ns, 'web');
  let dead = '';
  await waitFor('web-0 scheduled', async () => !!(dead = (await pod(cluster, ns, 'web-0'))?.spec?.nodeName ?? ''));
  let va: VolumeAttachment | undefined;
  await waitFor(
    'the attach-detach controller to attach the volume',
    async () => !!(va = (await attachments(cluster, pv)).find((a) => a.spec?.nodeName === dead)),
  );
  // Playing the external-attacher: the driver reports the volume attached.
  await cluster.client.request('PATCH', `/apis/storage.k8s.io/v1/volumeattachments/${va!.metadata!.name}/status`, {
    contentType: 'application/merge-patch+json',
    body: { status: { attached: true } },
  });
  // Playing the kubelet: it reports the volume mounted (volumesInUse), so the attach-detach controller
  // will not detach it while the node cannot say otherwise.
  await cluster.client.request('PATCH', `/api/v1/nodes/${dead}/status`, {
    contentType: 'application/merge-patch+json',
    body: { status: { volumesInUse: [`kubernetes.io/csi/${driver}^${pv}`] } },
  });
  return { driver, pv, dead, alive: names.find((n) => n !== dead)! };
}

export const rv = async (cluster: Cluster, node: string) => (await cluster.get<Node>('Node', node))!.metadata!.resourceVersion;

export async function attachedOnlyTo(cluster: Cluster, pv: string, node: string): Promise<void> {
  await waitFor(
    `the volume attached to ${node} only`,
    async () => {
      const list = await attachments(cluster, pv);
      return list.length === 1 && list[0]!.spec?.nodeName === node;
    },
    90_000,
  );
}

export async function dies(cluster: Cluster, node: string): Promise<void> {
  cluster.stopHeartbeat(node);
  await waitFor(
    `node ${node} NotReady and tainted unreachable`,
    async () => {
      const n = await cluster.get<Node>('Node', node);
      return (
        n?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown' &&
        !!n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute')
      );
    },
    60_000,
  );
  // The node-lifecycle controller's writes settle before a test compares the node's version.
  let last = '';
  await waitFor(`node ${node} to settle`, async () => {
    await new Promise((r) => setTimeout(r, 1000));
    const now = (await rv(cluster, node)) ?? '';
    const settled = now === last;
    last = now;
    return settled;
  });
}
