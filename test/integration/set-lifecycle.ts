// A StatefulSet's life and death on the real control plane, shared by the
// restore and ordinal-data tests: set web with 3 Retain PVs, deleted with its
// claims (whenDeleted: Delete, the garbage collector takes them), and applied
// again. Pods stay unscheduled (no kubelet runs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { waitFor, type Cluster } from './helpers.js';
import { statefulSet, volume } from './fixtures.js';
import type { Claim, StatefulSet, Volume } from '../../src/kube/types.js';

export function setManifest(name: string, replicas: number, size = '1Gi', storageClassName = ''): StatefulSet {
  const sts = statefulSet(name, { replicas, parallel: true, storageClassName, size }) as unknown as StatefulSet;
  sts.spec!.template.spec!.nodeSelector = { 'sts-storage.test/no-such-node': 'true' };
  return sts;
}

export function writeManifest(sts: StatefulSet, namespace: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sts-restore-')), `${sts.metadata?.name}.yaml`);
  fs.writeFileSync(file, stringify({ ...sts, metadata: { ...sts.metadata, namespace } }));
  return file;
}

/** The PV the restore tests give ordinal i of web. */
export const pvName = (ns: string, i: number) => `pv-rs-${ns}-${i}`;

/**
 * web with 3 replicas whose claims bind Retain PVs, then deleted with its claims
 * (whenDeleted: Delete: the garbage collector takes them): the PVs go Released,
 * each claimRef keeping the uid of its deleted claim.
 */
export async function deletedSet(cluster: Cluster, ns: string, names: string[] = [0, 1, 2].map((i) => pvName(ns, i))): Promise<Volume[]> {
  for (let i = 0; i < 3; i++) await cluster.create(volume(names[i]!, { claimRef: { namespace: ns, name: `data-web-${i}` } }));
  const sts = setManifest('web', 3);
  sts.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' };
  const created = await cluster.create(sts, ns);
  // Bound, and carrying the set's ownerReference (whenDeleted: Delete), as in a set that has lived with
  // its policy: the controller adds the reference after creating the claim, and deleting the set before
  // that leaves the claim to nobody (seen once in CI).
  await waitFor('the claims of web Bound and owned by the set', async () => {
    for (let i = 0; i < 3; i++) {
      const c = await cluster.get<Claim>('PersistentVolumeClaim', `data-web-${i}`, ns);
      if (c?.status?.phase !== 'Bound' || !c.metadata?.ownerReferences?.some((o) => o.uid === created.metadata?.uid)) return false;
    }
    return true;
  });
  await cluster.remove('StatefulSet', 'web', ns);
  await waitFor(
    'the claims deleted with the set and the PVs Released',
    async () => {
      const claims = await cluster.client.list<Claim>(`/api/v1/namespaces/${ns}/persistentvolumeclaims`);
      if (claims.length > 0) return false;
      for (let i = 0; i < 3; i++) if ((await cluster.get<Volume>('PersistentVolume', names[i]!))?.status?.phase !== 'Released') return false;
      return true;
    },
    90_000,
  );
  return Promise.all([0, 1, 2].map(async (i) => (await cluster.get<Volume>('PersistentVolume', names[i]!))!));
}

/** Creates the set and waits until every ordinal's claim is Bound; returns claim -> PV. */
export async function applyAndBind(cluster: Cluster, sts: StatefulSet, ns: string): Promise<Record<string, string>> {
  await cluster.create(sts, ns);
  const replicas = sts.spec!.replicas!;
  const bound: Record<string, string> = {};
  await waitFor(`the claims of ${sts.metadata!.name} in ${ns} Bound`, async () => {
    for (let i = 0; i < replicas; i++) {
      const c = await cluster.get<Claim>('PersistentVolumeClaim', `data-${sts.metadata!.name}-${i}`, ns);
      if (c?.status?.phase !== 'Bound') return false;
      bound[c.metadata!.name!] = c.spec!.volumeName!;
    }
    return true;
  });
  return bound;
}
