// The situations the comparison puts in front of each tool, one namespace
// each, built with the integration suite's own scenario code and the real
// controllers. Each says which object a user sees in trouble, what its root
// cause is (in words, and as the patterns a tool's text must match to name
// it), and which of our codes names it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor, type Cluster } from '../integration/helpers.js';
import { seed000, seed002 } from '../integration/scenarios.js';
import { claim, statefulSet, volume } from '../integration/fixtures.js';
import { attachedOrdinal, csiVolume, dies, pod, pooledSet, POOL } from '../integration/node-scenarios.js';
import { fakeNode } from '../integration/scenarios.js';
import { runCli } from '../integration/helpers.js';
import { CHART, reservedVolumes, runTool } from '../integration/owned-sets.js';
import type { Claim, KubeObject, StatefulSet } from '../../src/kube/types.js';

export interface ObjectRef {
  kind: string;
  name: string;
}

export interface Built {
  /** The object a user sees in trouble. */
  object: ObjectRef;
  /** The root cause in words, for the table. */
  cause: string;
  /** Every pattern must match one text for that text to name the root cause. */
  causePatterns: RegExp[];
  /** Cluster-scoped objects that belong to the scenario (PVs, nodes, classes). */
  clusterObjects: string[];
  /** Advice that would destroy the scenario's data, if a tool gives it. */
  destructive?: RegExp;
}

export interface Scenario {
  id: string;
  title: string;
  /** The finding code of ours that names the root cause. */
  code: string;
  build(cluster: Cluster, ns: string): Promise<Built>;
}

const NO_NODE = { 'sts-storage.test/no-such-node': 'true' };

async function boundClaims(cluster: Cluster, ns: string, names: string[]): Promise<void> {
  await waitFor(`${names.join(', ')} Bound`, async () => {
    for (const n of names) if ((await cluster.get<Claim>('PersistentVolumeClaim', n, ns))?.status?.phase !== 'Bound') return false;
    return true;
  });
}

async function eventSeen(cluster: Cluster, ns: string, reason: string, object: string, message?: RegExp): Promise<void> {
  await waitFor(`event ${reason} on ${object}`, async () => {
    const events = await cluster.client.list<{ reason?: string; message?: string; involvedObject: { name?: string } }>(`/api/v1/namespaces/${ns}/events`);
    return events.some((e) => e.reason === reason && e.involvedObject.name === object && (!message || message.test(e.message ?? '')));
  });
}

export const SCENARIOS: Scenario[] = [
  {
    id: 'mount-names-nothing',
    title: 'A volumeMount names no volume and no template (seed 000, stored as an upgraded cluster holds it)',
    code: 'STS-001',
    async build(cluster, ns) {
      await seed000(cluster, ns);
      return {
        object: { kind: 'StatefulSet', name: 'mysql' },
        cause: 'the mount mysql-data names no volume; the template is pvc-mysql-data-xxx',
        causePatterns: [/mysql-data\b/, /not found|names no|no volume|volumeMounts/i],
        clusterObjects: [],
      };
    },
  },
  {
    id: 'stale-claimref',
    title: 'A re-created claim waits on a Released PV that still holds the deleted claim’s uid (seed 002 §6.4)',
    code: 'PVC-003',
    async build(cluster, ns) {
      const { pv } = await seed002(cluster, ns);
      return {
        object: { kind: 'PersistentVolumeClaim', name: 'pvc-shiqi-redis' },
        cause: `PV ${pv} is Released and its claimRef keeps the deleted claim's uid`,
        causePatterns: [new RegExp(pv), /\buid\b|claimRef/],
        clusterObjects: [pv],
        destructive: /clean(ed)? up|delete|remove/i,
      };
    },
  },
  {
    id: 'missing-class',
    title: 'The template names a StorageClass that does not exist',
    code: 'PVC-002',
    async build(cluster, ns) {
      const sts = statefulSet('web', { storageClassName: 'fast-ssd' }) as unknown as StatefulSet;
      sts.spec!.template.spec!.nodeSelector = NO_NODE;
      await cluster.create(sts, ns);
      await eventSeen(cluster, ns, 'ProvisioningFailed', 'data-web-0');
      return {
        object: { kind: 'PersistentVolumeClaim', name: 'data-web-0' },
        cause: 'StorageClass fast-ssd does not exist',
        causePatterns: [/fast-ssd/, /not found|does not exist|missing/i],
        clusterObjects: [],
      };
    },
  },
  {
    id: 'no-pv-matches',
    title: 'A claim without a class finds only a PV that is too small',
    code: 'PVC-001',
    async build(cluster, ns) {
      const pv = `pv-small-${ns}`;
      // Reserved for the claim itself (no uid): still Available, and no other scenario's claim can take it.
      await cluster.create(volume(pv, { size: '512Mi', claimRef: { namespace: ns, name: 'data-db-0' } }));
      await cluster.create(claim('data-db-0', { size: '2Gi' }), ns);
      await eventSeen(cluster, ns, 'FailedBinding', 'data-db-0');
      return {
        object: { kind: 'PersistentVolumeClaim', name: 'data-db-0' },
        cause: `the only Available PV, ${pv}, has 512Mi; the claim asks for 2Gi and names no class to provision one`,
        causePatterns: [new RegExp(pv), /512Mi|too small|smaller|capacity/i],
        clusterObjects: [pv],
      };
    },
  },
  {
    id: 'scale-down-deletes',
    title: 'whenScaled: Delete and reclaimPolicy Delete: a scale-down deletes the data of the removed ordinals',
    code: 'STS-013',
    async build(cluster, ns) {
      const pvs = [0, 1, 2].map((i) => `pv-${ns}-${i}`);
      for (const [i, pv] of pvs.entries()) await cluster.create(volume(pv, { reclaim: 'Delete', claimRef: { namespace: ns, name: `data-web-${i}` } }));
      const sts = statefulSet('web', { replicas: 3, parallel: true, storageClassName: '' }) as unknown as StatefulSet;
      sts.spec!.persistentVolumeClaimRetentionPolicy = { whenScaled: 'Delete', whenDeleted: 'Retain' };
      sts.spec!.template.spec!.nodeSelector = NO_NODE;
      await cluster.create(sts, ns);
      await boundClaims(cluster, ns, ['data-web-0', 'data-web-1', 'data-web-2']);
      return {
        object: { kind: 'StatefulSet', name: 'web' },
        cause: 'persistentVolumeClaimRetentionPolicy whenScaled: Delete, and the PVs reclaim with Delete',
        causePatterns: [/whenScaled/, /Delete/],
        clusterObjects: pvs,
      };
    },
  },
  {
    id: 'foreign-owner',
    title: 'A claim owned by a ConfigMap: the garbage collector deletes it with the ConfigMap, whatever the retention policy',
    code: 'PVC-009',
    async build(cluster, ns) {
      const pv = `pv-owned-${ns}`;
      await cluster.create(volume(pv, { claimRef: { namespace: ns, name: 'data-web-0' } }));
      const owner = await cluster.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'release-config' } } as KubeObject, ns);
      const c = claim('data-web-0') as unknown as KubeObject;
      c.metadata!.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'release-config', uid: owner.metadata!.uid! }];
      await cluster.create(c, ns);
      const sts = statefulSet('web', { storageClassName: '' }) as unknown as StatefulSet;
      sts.spec!.template.spec!.nodeSelector = NO_NODE;
      await cluster.create(sts, ns);
      await boundClaims(cluster, ns, ['data-web-0']);
      return {
        object: { kind: 'PersistentVolumeClaim', name: 'data-web-0' },
        cause: 'an ownerReference to ConfigMap release-config',
        causePatterns: [/release-config/, /owner/i],
        clusterObjects: [pv],
      };
    },
  },
  {
    id: 'helm-out-of-step',
    title:
      'A set rendered by a Helm release (the real helm 3) was resized: claims grown, set re-created at 2Gi. The release still renders 1Gi, so its next upgrade is refused',
    code: 'STS-019',
    async build(cluster, ns) {
      const claims = ['data-db-0', 'data-db-1'];
      const className = `own-${ns}`;
      await reservedVolumes(cluster, ns, className, claims);
      const install = await runTool('helm3', ['install', 'r', CHART, '-n', ns, '--set', `persistence.storageClass=${className}`]);
      if (install.code !== 0) throw new Error(`helm install: ${install.stderr}`);
      await boundClaims(cluster, ns, claims);
      const backups = fs.mkdtempSync(path.join(os.tmpdir(), 'compare-backups-'));
      const resize = await runCli(['resize', 'db', '-n', ns, '--to', '2Gi', '--yes'], { env: { STS_STORAGE_BACKUP_DIR: backups } });
      if (resize.code !== 0) throw new Error(`resize: ${resize.stdout}${resize.stderr}`);
      return {
        object: { kind: 'StatefulSet', name: 'db' },
        cause: 'Helm release r renders template data at 1Gi (values key persistence.size); the set has 2Gi',
        causePatterns: [/release r\b|helm/i, /1Gi/, /persistence\.size/],
        clusterObjects: claims.map((c) => `pv-${ns}-${c}`),
      };
    },
  },
  {
    id: 'dead-node',
    title: 'A node dies holding a ReadWriteOnce volume; its pod stays Terminating and the ordinal never restarts',
    code: 'STS-018',
    async build(cluster, ns) {
      const { pv, dead, alive } = await attachedOrdinal(cluster, ns);
      await dies(cluster, dead);
      await cluster.remove('Pod', 'web-0', ns);
      await waitFor('web-0 Terminating', async () => !!(await pod(cluster, ns, 'web-0'))?.metadata?.deletionTimestamp);
      return {
        object: { kind: 'Pod', name: 'web-0' },
        cause: `node ${dead} is NotReady and still holds the pod and the volume's attachment`,
        // The pod and the node in one text: a NotReady node alone does not say why web-0 never comes back.
        causePatterns: [/\bweb-0\b/, new RegExp(dead), /NotReady|Unknown|not ready|unreachable/i],
        clusterObjects: [pv, dead, alive],
      };
    },
  },
  {
    id: 'zone',
    title: 'A PV pinned to a zone whose only node is cordoned: the pod cannot reach its volume',
    code: 'PVC-013',
    async build(cluster, ns) {
      const zone = 'topology.kubernetes.io/zone';
      const nodes = [`node-a-${ns}`, `node-b-${ns}`];
      await fakeNode(cluster, nodes[0]!, { labels: { [POOL]: ns, [zone]: `a-${ns}` } });
      await fakeNode(cluster, nodes[1]!, { labels: { [POOL]: ns, [zone]: `b-${ns}` } });
      await cluster.patch('Node', nodes[0]!, undefined, { spec: { unschedulable: true } });
      const pv = `pv-zone-${ns}`;
      await cluster.create(csiVolume(pv, 'csi.example.com', { namespace: ns, name: 'data-web-0' }, { [zone]: [`a-${ns}`] }));
      await pooledSet(cluster, ns, 'web');
      await eventSeen(cluster, ns, 'FailedScheduling', 'web-0', /didn't match PersistentVolume's node affinity/);
      return {
        object: { kind: 'Pod', name: 'web-0' },
        cause: `PV ${pv} requires zone a-${ns}, whose only node is cordoned`,
        // The pod or its volume, the volume's node affinity, and that the node it allows cannot take pods.
        causePatterns: [new RegExp(`\\bweb-0\\b|${pv}`), /zone|node affinity/i, /unschedulable|cordoned|no Ready, schedulable node/i],
        clusterObjects: [pv, ...nodes],
      };
    },
  },
];
