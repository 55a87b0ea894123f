// What would delete each ordinal's data (STS-013, STS-014, STS-015, PVC-009) and
// `protect`, proven with the real StatefulSet controller and garbage collector.
// No kubelet runs: the pods are kept unscheduled (a nodeSelector no node has),
// so the API server deletes them at once on a scale-down, as a kubelet would
// confirm a terminated pod.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit, runCli, skipReason, useSandbox, waitFor, type Cluster } from './helpers.js';
import { exposedSet, exposedPvName as pvName } from './scenarios.js';
import type { Claim, StatefulSet, Volume } from '../../src/kube/types.js';
import type { StorageChain } from '../../src/output/storage-chain.js';

async function scaleTo(cluster: Cluster, ns: string, replicas: number): Promise<void> {
  await cluster.patch('StatefulSet', 'web', ns, { spec: { replicas } });
  await waitFor(`statefulset web at ${replicas} pods`, async () => {
    const sts = await cluster.get<StatefulSet>('StatefulSet', 'web', ns);
    if (sts?.status?.observedGeneration !== sts?.metadata?.generation || sts?.status?.replicas !== replicas) return false;
    const pods = await cluster.client.list<{ metadata: { name: string } }>(`/api/v1/namespaces/${ns}/pods`);
    return pods.length === replicas;
  });
}

const claimNames = async (cluster: Cluster, ns: string) =>
  (await cluster.client.list<Claim>(`/api/v1/namespaces/${ns}/persistentvolumeclaims`)).map((c) => c.metadata!.name!).sort();

describe.skipIf(!!skipReason)('what would delete the data, and protect, on the real control plane', () => {
  const sandbox = useSandbox();

  it('a scale-down under whenScaled: Delete deletes exactly the claims STS-013 names, and show marks them', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('scaledel');
    await exposedSet(cluster, ns, { whenScaled: 'Delete', whenDeleted: 'Retain' });
    const { report } = await audit(['web', '-n', ns]);
    const predicted = report.findings.find((f) => f.code === 'STS-013')!;
    expect(predicted.severity).toBe('warning');
    expect(predicted.message).toBe(
      `scaling web from 3 to 1 deletes claims data-web-1 and data-web-2 (whenScaled: Delete), and with them PVs ${pvName(ns, 1)} and ${pvName(ns, 2)} (reclaimPolicy Delete)`,
    );
    expect(predicted.fix?.command).toBe(`kubectl sts-storage protect web -n ${ns} --retention`);
    expect(report.findings.find((f) => f.code === 'STS-015')?.message).toBe(
      `PVs ${pvName(ns, 0)}, ${pvName(ns, 1)}, and ${pvName(ns, 2)} of statefulset web have reclaimPolicy Delete: deleting a claim deletes the volume and its data`,
    );
    const show = await runCli(['show', 'web', '-n', ns, '-o', 'json']);
    const chain = JSON.parse(show.stdout) as StorageChain;
    expect(chain.templates[0]!.ordinals.map((o) => o.claim.deletedBy)).toEqual([
      ['a scale-down to 0 replicas (whenScaled: Delete)'],
      ['a scale-down to 1 replica or fewer (whenScaled: Delete)'],
      ['a scale-down to 2 replicas or fewer (whenScaled: Delete)'],
    ]);
    expect(chain.templates[0]!.ordinals.every((o) => o.volume?.deletedWithClaim)).toBe(true);

    await scaleTo(cluster, ns, 1);
    // The controller makes each condemned pod own its claim, and the garbage collector takes the claim with the pod.
    await waitFor('the claims of ordinals 1 and 2 deleted', async () => (await claimNames(cluster, ns)).length === 1, 90_000);
    const lost = ['data-web-1', 'data-web-2'];
    expect(await claimNames(cluster, ns)).toEqual(['data-web-0']);
    expect(predicted.related.map((r) => r.name).sort()).toEqual(lost);
    // The binder then acts on reclaimPolicy Delete: it no longer holds those PVs as Bound.
    await waitFor('the PVs of the deleted claims released for deletion', async () => {
      for (const i of [1, 2]) {
        const v = await cluster.get<Volume>('PersistentVolume', pvName(ns, i));
        if (v && v.status?.phase === 'Bound') return false;
      }
      return true;
    });
  });

  it('after protect --retention the same scale-down keeps every claim and PV, and undo restores both fields', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('protect');
    await exposedSet(cluster, ns, { whenScaled: 'Delete', whenDeleted: 'Delete' });
    const before = (await cluster.get<StatefulSet>('StatefulSet', 'web', ns))!;
    const versions = async () => [
      (await cluster.get<StatefulSet>('StatefulSet', 'web', ns))!.metadata!.generation,
      ...(await Promise.all([0, 1, 2].map(async (i) => (await cluster.get<Volume>('PersistentVolume', pvName(ns, i)))!.metadata!.resourceVersion))),
    ];
    const unchanged = await versions();
    const exposed = await audit(['web', '-n', ns]);
    expect(exposed.report.findings.find((f) => f.code === 'STS-014')?.message).toBe(
      `deleting statefulset web deletes claims data-web-0, data-web-1, and data-web-2 (whenDeleted: Delete), and with them PVs ${pvName(ns, 0)}, ${pvName(ns, 1)}, and ${pvName(ns, 2)} (reclaimPolicy Delete)`,
    );

    const preview = await runCli(['protect', 'web', '-n', ns, '--retention', '--dry-run'], { env: sandbox.env() });
    expect(preview.code, preview.stdout + preview.stderr).toBe(0);
    expect(preview.stdout).toContain('Plan: 4 object(s) to change');
    expect(preview.stdout).toContain(`set reclaimPolicy of PV ${pvName(ns, 0)} (claim data-web-0) from Delete to Retain`);
    expect(preview.stdout).toContain(
      'set persistentVolumeClaimRetentionPolicy of statefulset web from whenDeleted: Delete, whenScaled: Delete to whenDeleted: Retain, whenScaled: Retain',
    );
    expect(preview.stdout).toMatch(/server dry run accepted/);
    const refused = await runCli(['protect', 'web', '-n', ns, '--retention'], { env: sandbox.env() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pass --yes');
    expect(await versions()).toEqual(unchanged);

    const apply = await runCli(['protect', 'web', '-n', ns, '--retention', '--yes'], { env: sandbox.env() });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    for (const i of [0, 1, 2]) expect((await cluster.get<Volume>('PersistentVolume', pvName(ns, i)))!.spec?.persistentVolumeReclaimPolicy).toBe('Retain');
    expect((await cluster.get<StatefulSet>('StatefulSet', 'web', ns))!.spec?.persistentVolumeClaimRetentionPolicy).toEqual({
      whenDeleted: 'Retain',
      whenScaled: 'Retain',
    });
    // Under Retain/Retain the StatefulSet controller removes its own references from the claims.
    await waitFor('the controller to drop its claim references', async () => {
      for (let i = 0; i < 3; i++) if ((await cluster.get<Claim>('PersistentVolumeClaim', `data-web-${i}`, ns))?.metadata?.ownerReferences?.length) return false;
      return true;
    });
    const { report } = await audit(['web', '-n', ns]);
    expect(report.findings.filter((f) => ['STS-013', 'STS-014', 'STS-015', 'PVC-009'].includes(f.code))).toEqual([]);

    await scaleTo(cluster, ns, 1);
    // Several controller and garbage-collector passes after the pods went.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await claimNames(cluster, ns)).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);
    for (const i of [0, 1, 2]) expect((await cluster.get<Volume>('PersistentVolume', pvName(ns, i)))!.status?.phase).toBe('Bound');

    const name = fs.readdirSync(sandbox.backupDir)[0]!;
    expect(fs.readdirSync(path.join(sandbox.backupDir, name)).filter((f) => f.endsWith('.yaml')).length).toBeGreaterThanOrEqual(4);
    const undo = await runCli(['undo', name, '--yes'], { env: sandbox.env() });
    expect(undo.code, undo.stdout + undo.stderr).toBe(0);
    for (const i of [0, 1, 2]) expect((await cluster.get<Volume>('PersistentVolume', pvName(ns, i)))!.spec?.persistentVolumeReclaimPolicy).toBe('Delete');
    expect((await cluster.get<StatefulSet>('StatefulSet', 'web', ns))!.spec?.persistentVolumeClaimRetentionPolicy).toEqual(
      before.spec?.persistentVolumeClaimRetentionPolicy,
    );
  });

  it('a claim an operator owns is deleted with its owner; after protect --owner-references it survives, and undo puts the reference back', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('owner');
    await exposedSet(cluster, ns, { whenScaled: 'Retain', whenDeleted: 'Retain' }, 1);
    // A ConfigMap stands in for an operator's resource (rabbitmq/cluster-operator#2215).
    const owner = await cluster.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'operator-state' } }, ns);
    const ownerRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'operator-state', uid: owner.metadata!.uid! };
    await cluster.patch('PersistentVolumeClaim', 'data-web-0', ns, { metadata: { ownerReferences: [ownerRef] } });
    // A second claim owned by the same ConfigMap shows when the garbage collector has acted on its deletion.
    await cluster.create(
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'canary', ownerReferences: [ownerRef] },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'none', resources: { requests: { storage: '1Mi' } } },
      },
      ns,
    );

    const { report } = await audit(['web', '-n', ns]);
    expect(report.findings.find((f) => f.code === 'PVC-009')?.message).toBe(
      `claim data-web-0 is owned by ConfigMap operator-state: the garbage collector deletes it once that owner is deleted, whatever the retention policy of statefulset web (whenDeleted: Retain, whenScaled: Retain), and with it PV ${pvName(ns, 0)} (reclaimPolicy Delete)`,
    );

    const protect = await runCli(['protect', 'web', '-n', ns, '--owner-references', '--yes'], { env: sandbox.env() });
    expect(protect.code, protect.stdout + protect.stderr).toBe(0);
    expect(protect.stdout).toContain(`remove ownerReferences of claim data-web-0: ConfigMap operator-state (uid ${owner.metadata!.uid})`);
    expect((await cluster.get<Claim>('PersistentVolumeClaim', 'data-web-0', ns))!.metadata?.ownerReferences).toBeUndefined();
    const first = fs.readdirSync(sandbox.backupDir)[0]!;
    const undo = await runCli(['undo', first, '--yes'], { env: sandbox.env() });
    expect(undo.code, undo.stdout + undo.stderr).toBe(0);
    expect((await cluster.get<Claim>('PersistentVolumeClaim', 'data-web-0', ns))!.metadata?.ownerReferences).toEqual([ownerRef]);
    expect((await cluster.get<Volume>('PersistentVolume', pvName(ns, 0)))!.spec?.persistentVolumeReclaimPolicy).toBe('Delete');

    const again = await runCli(['protect', 'web', '-n', ns, '--owner-references', '--yes'], { env: sandbox.env() });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    await cluster.remove('ConfigMap', 'operator-state', ns);
    await waitFor('the garbage collector to delete the canary claim', async () => !(await cluster.get('PersistentVolumeClaim', 'canary', ns)));
    const kept = await cluster.get<Claim>('PersistentVolumeClaim', 'data-web-0', ns);
    expect(kept?.metadata?.deletionTimestamp).toBeUndefined();
    expect(kept?.status?.phase).toBe('Bound');
  });

  it('without protect, the operator-owned claim goes with its owner', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('ownerdel');
    await exposedSet(cluster, ns, { whenScaled: 'Retain', whenDeleted: 'Retain' }, 1);
    const owner = await cluster.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'operator-state' } }, ns);
    await cluster.patch('PersistentVolumeClaim', 'data-web-0', ns, {
      metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'operator-state', uid: owner.metadata!.uid! }] },
    });
    const uid = (await cluster.get<Claim>('PersistentVolumeClaim', 'data-web-0', ns))!.metadata!.uid;
    await cluster.remove('ConfigMap', 'operator-state', ns);
    // The StatefulSet controller creates a new, empty claim of that name for the Pending pod: the old uid is what was lost.
    // waitFor throws when the garbage collector never gets to it.
    let after: Claim | undefined;
    await waitFor('the garbage collector to delete data-web-0', async () => {
      after = await cluster.get<Claim>('PersistentVolumeClaim', 'data-web-0', ns);
      return !after || after.metadata?.uid !== uid || !!after.metadata?.deletionTimestamp;
    });
    expect(after?.metadata?.uid !== uid || !!after?.metadata?.deletionTimestamp).toBe(true);
  });
});
