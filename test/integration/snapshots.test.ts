// VolumeSnapshots per ordinal, against the real snapshot-controller
// (external-snapshotter v8.7.0 built from the Go module proxy, run out of
// cluster) and the snapshot CRDs of the same version. The CSI driver's
// csi-snapshotter sidecar cannot run here: SnapshotterPlayer plays it for each
// test's own driver name, writing exactly the fields it writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { audit, codesFor, kubeconfig, runCli, skipReason, useSandbox, waitFor, type Cluster } from './helpers.js';
import { tools } from './owned-sets.js';
import { statefulSet, storageClass } from './fixtures.js';
import { ProvisionerPlayer, SnapshotterPlayer, startSnapshotController, stopProcess } from './csi-snapshot-player.js';
import type { Claim, Pod, StatefulSet, Volume, VolumeSnapshot, VolumeSnapshotContent } from '../../src/kube/types.js';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

const API = '/apis/snapshot.storage.k8s.io/v1';
const snapshots = (ns: string) => `${API}/namespaces/${ns}/volumesnapshots`;
const ORDINALS = [0, 1, 2];

/** Ordinal i's CSI PV of this test's driver and class, reserved for claim data-db-i (its volume handle names the ordinal). */
async function csiVolume(cluster: Cluster, ns: string, driver: string, i: number): Promise<void> {
  await cluster.create({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `pv-${ns}-${i}` },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: `snap-${ns}`,
      csi: { driver, volumeHandle: `${ns}-vol-${i}` },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name: `data-db-${i}` },
    },
  });
}

/** A set of `replicas` ordinals whose claims bind pre-made CSI PVs of this test's own driver and class. */
async function csiSet(cluster: Cluster, ns: string, driver: string, replicas: number, bound = replicas): Promise<void> {
  const cls = `snap-${ns}`;
  await cluster.create({ ...storageClass(cls, { provisioner: driver }), allowVolumeExpansion: true });
  for (let i = 0; i < bound; i++) await csiVolume(cluster, ns, driver, i);
  await cluster.create(statefulSet('db', { replicas, storageClassName: cls, parallel: true }), ns);
  await waitFor(`${bound} of the claims of db Bound`, async () => {
    const claims = (await cluster.client.list<Claim>(`/api/v1/namespaces/${ns}/persistentvolumeclaims`)).filter((c) =>
      c.metadata?.name?.startsWith('data-db-'),
    );
    return claims.length === replicas && claims.filter((c) => c.status?.phase === 'Bound').length === bound;
  });
}

async function snapshotClass(cluster: Cluster, name: string, driver: string, isDefault = true): Promise<void> {
  await cluster.create({
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshotClass',
    metadata: { name, ...(isDefault ? { annotations: { 'snapshot.storage.kubernetes.io/is-default-class': 'true' } } : {}) },
    driver,
    deletionPolicy: 'Delete',
  } as never);
}

describe.skipIf(!!skipReason)('VolumeSnapshots per ordinal, with the real snapshot-controller', () => {
  const sandbox = useSandbox();
  let controller: { process: ChildProcess; log: string } | undefined;
  const players: SnapshotterPlayer[] = [];
  const controllerLog = () => (controller ? fs.readFileSync(controller.log, 'utf8').slice(-3000) : '');

  beforeAll(() => {
    controller = startSnapshotController(tools['snapshot-controller']!, kubeconfig);
  });
  afterAll(async () => {
    // The namespaces are gone; let the controller and the players finish deleting their contents, then stop both.
    const drivers = new Set(players.map((p) => p.driver));
    const admin = new (await import('./helpers.js')).Cluster();
    await waitFor(
      "this file's contents deleted",
      async () => (await admin.client.list<VolumeSnapshotContent>(`${API}/volumesnapshotcontents`)).every((c) => !drivers.has(c.spec?.driver ?? '')),
      60_000,
    ).catch(() => {});
    admin.client.close();
    for (const p of players) p.stop();
    await stopProcess(controller?.process);
  });

  function player(cluster: Cluster, driver: string): SnapshotterPlayer {
    const p = new SnapshotterPlayer(cluster, driver);
    p.start();
    players.push(p);
    return p;
  }

  it('snapshot takes one VolumeSnapshot per ordinal; the controller binds each, --wait follows them to ready; snapshots lists the set; nothing deleted by undo', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('snap');
    const driver = `${ns}.snapshot.test`;
    await csiSet(cluster, ns, driver, 2);
    await snapshotClass(cluster, `snap-${ns}`, driver);
    player(cluster, driver);

    const dry = await runCli(['snapshot', 'db', '-n', ns, '--dry-run', '--id', 'before'], { env: sandbox.env() });
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`server dry run accepted: PersistentVolumeClaim ${ns}/data-db-0`);
    expect((await cluster.client.list<VolumeSnapshot>(snapshots(ns))).length).toBe(0);

    const r = await runCli(['snapshot', 'db', '-n', ns, '--id', 'before', '--wait', '--timeout', '90s', '--yes'], { env: sandbox.env() });
    expect(r.code, `${r.stdout}${r.stderr}\n(controller log: ${controllerLog()})`).toBe(0);
    expect(r.stdout).toContain(`  data-db-0-before: ready (restoreSize 1Gi)`);
    expect(r.stdout).toContain(`  data-db-1-before: ready (restoreSize 1Gi)`);

    const taken = await cluster.client.list<VolumeSnapshot>(snapshots(ns));
    expect(taken.map((s) => s.metadata?.name).sort()).toEqual(['data-db-0-before', 'data-db-1-before']);
    for (const s of taken) {
      // The real controller's work: a content named after the snapshot's uid, and the status copied from it.
      expect(s.status?.boundVolumeSnapshotContentName).toBe(`snapcontent-${s.metadata?.uid}`);
      expect(s.status?.readyToUse).toBe(true);
      expect(s.spec?.volumeSnapshotClassName).toBe(`snap-${ns}`);
      expect(s.metadata?.labels).toMatchObject({ 'sts-storage.kubectl.io/snapshot-set': 'before', 'sts-storage.kubectl.io/statefulset': 'db' });
    }

    const list = await runCli(['snapshots', 'db', '-n', ns, '-o', 'json']);
    const sets = JSON.parse(list.stdout).snapshotSets as Array<{ id: string; complete: boolean; rows: Array<{ ready: boolean }> }>;
    expect(sets).toHaveLength(1);
    expect(sets[0]).toMatchObject({ id: 'before', complete: true });
    expect(sets[0]!.rows.every((x) => x.ready)).toBe(true);
    const table = await runCli(['snapshots', 'db', '-n', ns], { env: { COLUMNS: '80' } });
    expect(table.stdout).toContain('Snapshot set before: 2 of 2 ready, covers every claim of the set');

    // The same id again: refused before any write.
    const again = await runCli(['snapshot', 'db', '-n', ns, '--id', 'before', '--yes'], { env: sandbox.env() });
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('VolumeSnapshot data-db-0-before already exists: choose another --id');

    // undo never deletes a snapshot: it says where the data is.
    const backup = /Undo with: kubectl sts-storage undo (\S+)/.exec(r.stdout)![1]!;
    const undo = await runCli(['undo', backup, '--yes'], { env: sandbox.env() });
    expect(undo.stdout.replace(/\n\s+/g, ' ')).toContain('its data is in VolumeSnapshot data-db-0-before, which is kept: this tool never deletes a snapshot');
    expect((await cluster.client.list<VolumeSnapshot>(snapshots(ns))).length).toBe(2);

    const { report } = await audit(['-n', ns]);
    expect(report.findings.filter((f) => f.code.startsWith('VS-') || ['STS-022', 'STS-023'].includes(f.code))).toEqual([]);

    // A set scaled up after its snapshots: the new ordinal has none, and the audit says so.
    await csiVolume(cluster, ns, driver, 2);
    await cluster.patch('StatefulSet', 'db', ns, { spec: { replicas: 3 } });
    await waitFor('claim data-db-2 Bound', async () => (await cluster.get<Claim>('PersistentVolumeClaim', 'data-db-2', ns))?.status?.phase === 'Bound');
    const later = await audit(['-n', ns]);
    expect(later.report.findings.find((f) => f.code === 'STS-023')?.message).toBe('2 of 3 claims of statefulset db have a ready snapshot; data-db-2 has none');
  });

  it('restore --from-snapshots gives a deleted set each ordinal from its own snapshot: claims first, then the set takes them as they are', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('snaprs');
    const driver = `${ns}.snapshot.test`;
    await csiSet(cluster, ns, driver, 3);
    await snapshotClass(cluster, `snap-${ns}`, driver);
    player(cluster, driver);
    const provisioner = new ProvisionerPlayer(cluster, ns, driver);
    provisioner.start();
    try {
      const taken = await runCli(['snapshot', 'db', '-n', ns, '--id', 'pre', '--wait', '--timeout', '90s', '--yes'], { env: sandbox.env() });
      expect(taken.code, `${taken.stdout}${taken.stderr}\n(controller log: ${controllerLog()})`).toBe(0);

      // While the set runs, a restore would race its controller: refused.
      const running = await runCli(['restore', 'db', '-n', ns, '--from-snapshots', 'pre', '--yes'], { env: sandbox.env() });
      expect(running.code).toBe(1);
      expect(running.stdout.replace(/\n\s+/g, ' ')).toContain('statefulset db runs 3 replica(s)');

      // The disaster: the set and its claims deleted (their PVs are retained, but say the data there is bad).
      const manifest = statefulSet('db', { replicas: 3, storageClassName: `snap-${ns}`, parallel: true });
      await cluster.remove('StatefulSet', 'db', ns);
      for (const i of ORDINALS) await cluster.remove('PersistentVolumeClaim', `data-db-${i}`, ns);
      await waitFor('the claims gone', async () => (await cluster.client.list<Claim>(`/api/v1/namespaces/${ns}/persistentvolumeclaims`)).length === 0);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'snaprs-')), 'db.yaml');
      fs.writeFileSync(file, stringify(manifest));

      const unknown = await runCli(['restore', 'db', '-n', ns, '-f', file, '--from-snapshots', 'nope', '--yes'], { env: sandbox.env() });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain(`no snapshot set nope in namespace ${ns} (there are: pre)`);

      const r = await runCli(['restore', 'db', '-n', ns, '-f', file, '--from-snapshots', 'pre', '--yes'], { env: sandbox.env() });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('Plan: 3 claim(s) to create from snapshot set pre, each from its own ordinal');
      const restored = new Map(
        (await cluster.client.list<Claim>(`/api/v1/namespaces/${ns}/persistentvolumeclaims`)).map((c) => [c.metadata!.name!, c.metadata!.uid]),
      );
      await cluster.create(manifest, ns);
      await waitFor('the restored claims Bound', async () => {
        const claims = await cluster.client.list<Claim>(`/api/v1/namespaces/${ns}/persistentvolumeclaims`);
        return claims.length === 3 && claims.every((c) => c.status?.phase === 'Bound');
      });
      // The set adopts them: its pods mount the restored claims, which are the very objects the restore created.
      await waitFor('the pods of db', async () => (await cluster.client.list<Pod>(`/api/v1/namespaces/${ns}/pods`)).length === 3);
      for (const pod of await cluster.client.list<Pod>(`/api/v1/namespaces/${ns}/pods`)) {
        const ordinal = pod.metadata!.name!.split('-').pop();
        expect(pod.spec?.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).toBe(`data-db-${ordinal}`);
      }
      for (const i of ORDINALS) {
        const c = (await cluster.get<Claim>('PersistentVolumeClaim', `data-db-${i}`, ns))!;
        expect(c.metadata?.uid).toBe(restored.get(`data-db-${i}`));
        expect(c.spec?.dataSource).toEqual({ apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: `data-db-${i}-pre` });
        // Ordinal i's volume holds what ordinal i's volume held: the snapshot handle names its source volume.
        const pv = (await cluster.get<Volume>('PersistentVolume', c.spec!.volumeName!))!;
        expect(pv.spec?.csi?.volumeHandle).toMatch(new RegExp(`^restored-from-snap-${ns}-vol-${i}-`));
      }
      const again = await runCli(['restore', 'db', '-n', ns, '--from-snapshots', 'pre', '--yes'], { env: sandbox.env() });
      expect(again.code).toBe(1);

      // A clone in another namespace: copies of the snapshots (pre-provisioned contents, Retain), each claim from its own ordinal's copy.
      const copyNs = await cluster.namespace('snapcp');
      const copier = new ProvisionerPlayer(cluster, copyNs, driver);
      copier.start();
      try {
        const cloned = await runCli(['restore', 'db', '-n', copyNs, '-f', file, '--from-snapshots', 'pre', '--from-namespace', ns, '--yes'], {
          env: sandbox.env(),
        });
        expect(cloned.code, `${cloned.stdout}${cloned.stderr}\n(controller log: ${controllerLog()})`).toBe(0);
        expect(cloned.stdout).toContain(`Plan: 3 claim(s) to create from snapshot set pre of namespace ${ns}, each from its own ordinal`);
        await waitFor('the cloned claims Bound', async () => {
          const claims = await cluster.client.list<Claim>(`/api/v1/namespaces/${copyNs}/persistentvolumeclaims`);
          return claims.length === 3 && claims.every((c) => c.status?.phase === 'Bound');
        });
        for (const i of ORDINALS) {
          const c = (await cluster.get<Claim>('PersistentVolumeClaim', `data-db-${i}`, copyNs))!;
          expect(c.spec?.dataSource?.name).toBe(`data-db-${i}-pre`);
          const pv = (await cluster.get<Volume>('PersistentVolume', c.spec!.volumeName!))!;
          expect(pv.spec?.csi?.volumeHandle).toMatch(new RegExp(`^restored-from-snap-${ns}-vol-${i}-`));
          const copy = (await cluster.get<VolumeSnapshotContent>('VolumeSnapshotContent', `sts-storage-${copyNs}-data-db-${i}-pre`))!;
          expect(copy.spec).toMatchObject({ deletionPolicy: 'Retain', volumeSnapshotRef: { namespace: copyNs, name: `data-db-${i}-pre` } });
        }
      } finally {
        copier.stop();
        // The copies are Retain contents: the test removes them (the tool never deletes a snapshot).
        for (const i of ORDINALS) {
          const name = `sts-storage-${copyNs}-data-db-${i}-pre`;
          await cluster.patch('VolumeSnapshotContent', name, undefined, { metadata: { finalizers: null } }).catch(() => {});
          await cluster.remove('VolumeSnapshotContent', name);
        }
      }
      const { report } = await audit(['-n', ns]);
      expect(report.findings.filter((f) => ['PVC-015', 'STS-021', 'VS-001', 'VS-002'].includes(f.code))).toEqual([]);
    } finally {
      provisioner.stop();
    }
  });

  it('resize --snapshot writes nothing until every snapshot is ready: without a ready snapshot the claims and the set stay as they were', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('snaprz');
    const driver = `${ns}.snapshot.test`;
    await csiSet(cluster, ns, driver, 2);
    await snapshotClass(cluster, `snap-${ns}`, driver);
    const setUid = (await cluster.get<StatefulSet>('StatefulSet', 'db', ns))!.metadata!.uid;

    // No sidecar yet: the snapshots are created but never become ready, so the resize never starts.
    const stalled = await runCli(['resize', 'db', '-n', ns, '--to', '2Gi', '--snapshot', '--snapshot-timeout', '5s', '--yes'], { env: sandbox.env() });
    expect(stalled.code).toBe(1);
    expect(stalled.stdout.replace(/\n\s+/g, ' ')).toMatch(/was not ready to use after 5s/);
    for (const i of [0, 1]) expect((await cluster.get<Claim>('PersistentVolumeClaim', `data-db-${i}`, ns))!.spec!.resources!.requests!['storage']).toBe('1Gi');
    expect((await cluster.get<StatefulSet>('StatefulSet', 'db', ns))!.metadata!.uid).toBe(setUid);

    // The batch stopped at the first wait: one snapshot made, the second never started.
    expect((await cluster.client.list<VolumeSnapshot>(snapshots(ns))).map((s) => s.spec?.source?.persistentVolumeClaimName)).toEqual(['data-db-0']);

    player(cluster, driver);
    const r = await runCli(['resize', 'db', '-n', ns, '--to', '2Gi', '--snapshot', '--snapshot-timeout', '90s', '--yes'], { env: sandbox.env() });
    expect(r.code, `${r.stdout}${r.stderr}\n(controller log: ${controllerLog()})`).toBe(0);
    expect(r.stdout).toContain('Plan: 2 VolumeSnapshot(s) first, each waited for until ready; then 3 object(s) to change');
    for (const i of [0, 1]) expect((await cluster.get<Claim>('PersistentVolumeClaim', `data-db-${i}`, ns))!.spec!.resources!.requests!['storage']).toBe('2Gi');
    const setId = /new\s+VolumeSnapshot\s+data-db-0-(\S+)\s/.exec(r.stdout)![1]!;
    const ready = (await cluster.client.list<VolumeSnapshot>(snapshots(ns))).filter(
      (s) => s.status?.readyToUse && s.metadata?.labels?.['sts-storage.kubectl.io/snapshot-set'] === setId,
    );
    expect(ready.map((s) => s.spec?.source?.persistentVolumeClaimName).sort()).toEqual(['data-db-0', 'data-db-1']);
    // undo puts the template back and says where the data is.
    const backup = /Undo with: kubectl sts-storage undo (\S+)/.exec(r.stdout)![1]!;
    const undo = await runCli(['undo', backup, '--dry-run'], { env: sandbox.env() });
    expect(undo.stdout.replace(/\n\s+/g, ' ')).toContain(
      `its data is in VolumeSnapshot ${ready.find((s) => s.spec?.source?.persistentVolumeClaimName === 'data-db-0')!.metadata!.name}, which is kept`,
    );
  });

  it('refuses the whole set before any write when an ordinal is not Bound or its driver has no default class', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('snapno');
    const driver = `${ns}.snapshot.test`;
    await csiSet(cluster, ns, driver, 2, 1);
    await snapshotClass(cluster, `snap-${ns}`, driver);
    const r = await runCli(['snapshot', 'db', '-n', ns, '--yes'], { env: sandbox.env() });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the PVC data-db-1 is not yet bound to a PV, will not attempt to take a snapshot');
    expect((await cluster.client.list<VolumeSnapshot>(snapshots(ns))).length).toBe(0);

    const other = await cluster.namespace('snapcls');
    const otherDriver = `${other}.snapshot.test`;
    await csiSet(cluster, other, otherDriver, 1);
    await snapshotClass(cluster, `snap-${other}`, otherDriver, false);
    const noDefault = await runCli(['snapshot', 'db', '-n', other, '--yes'], { env: sandbox.env() });
    expect(noDefault.code).toBe(1);
    expect(noDefault.stdout.replace(/\n\s+/g, ' ')).toContain(`no default VolumeSnapshotClass for driver ${otherDriver}`);
    // The audit says the same before anyone tries.
    const { report } = await audit(['-n', other]);
    expect(codesFor(report, 'StatefulSet', 'db')).toContain('STS-022');
  });

  it('audits what the real controller and API server leave: a failed snapshot, a restore from a missing snapshot, a snapshot held by a Pending restore, a template clone', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('snapaud');
    const driver = `${ns}.snapshot.test`;
    const restoreClaim = (name: string, source: string) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name },
      spec: {
        storageClassName: `snap-${ns}`,
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
        dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: source },
      },
    });
    // The restores exist before the set's claims: the controller decides whether a deleted snapshot is
    // still a restore's source from its informer's copy of the claims (isVolumeBeingCreatedFromSnapshot,
    // pvcLister), and it can take snapshot nightly of data-db-0 only once that copy holds data-db-0,
    // so by then it holds from-nightly too. Created just before the delete, the restore could still be
    // missing from the copy, and the controller would let the snapshot go.
    await cluster.create(restoreClaim('from-nightly', 'nightly'), ns);
    await cluster.create(restoreClaim('from-gone', 'gone'), ns);
    await csiSet(cluster, ns, driver, 1);
    player(cluster, driver);
    // No class for this driver: the controller fails the snapshot with its own words.
    await cluster.client.request('POST', snapshots(ns), {
      body: {
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshot',
        metadata: { name: 'noclass' },
        spec: { source: { persistentVolumeClaimName: 'data-db-0' } },
      },
    });
    await waitFor(`the controller to fail snapshot noclass (log: ${controllerLog()})`, async () => {
      const s = await cluster.client.request<VolumeSnapshot>('GET', `${snapshots(ns)}/noclass`);
      return !!s.status?.error?.message;
    });
    // A class and a ready snapshot (its restore, made above, nothing provisions: no external-provisioner runs), then its deletion.
    await snapshotClass(cluster, `snap-${ns}`, driver);
    await cluster.client.request('POST', snapshots(ns), {
      body: {
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshot',
        metadata: { name: 'nightly' },
        spec: { source: { persistentVolumeClaimName: 'data-db-0' } },
      },
    });
    await waitFor('snapshot nightly ready', async () => !!(await cluster.client.request<VolumeSnapshot>('GET', `${snapshots(ns)}/nightly`)).status?.readyToUse);
    await cluster.client.request('DELETE', `${snapshots(ns)}/nightly`);
    await waitFor('snapshot nightly held in deletion', async () => {
      const s = await cluster.client.request<VolumeSnapshot>('GET', `${snapshots(ns)}/nightly`);
      return !!s.metadata?.deletionTimestamp && (s.metadata.finalizers ?? []).includes('snapshot.storage.kubernetes.io/volumesnapshot-as-source-protection');
    });
    // A set whose template clones the (deleted) snapshot into every ordinal.
    const clone = statefulSet('clone', { storageClassName: `snap-${ns}` });
    (clone.spec.volumeClaimTemplates[0]!.spec as Record<string, unknown>)['dataSource'] = {
      apiGroup: 'snapshot.storage.k8s.io',
      kind: 'VolumeSnapshot',
      name: 'gone',
    };
    await cluster.create(clone, ns);

    // A retained content whose snapshot is gone (pre-provisioned, as a restore elsewhere leaves one): the controller keeps it.
    const leaked = `leaked-${ns}`;
    await cluster.create({
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshotContent',
      metadata: { name: leaked },
      spec: { driver, deletionPolicy: 'Retain', source: { snapshotHandle: `handle-${ns}` }, volumeSnapshotRef: { name: 'long-gone', namespace: ns } },
    } as never);

    const { report } = await audit(['-n', ns]);
    const find = (code: string, name: string) => report.findings.find((f) => f.code === code && f.object.name === name);
    expect(find('VS-003', leaked)?.message).toBe(`VolumeSnapshotContent ${leaked} keeps the backend snapshot of VolumeSnapshot ${ns}/long-gone, which is gone`);
    expect(find('VS-003', leaked)?.evidence).toContain(`snapshotHandle: handle-${ns}`);
    expect(find('VS-001', 'noclass')?.message).toMatch(/^VolumeSnapshot noclass failed: .*cannot find default snapshot class/);
    expect(find('PVC-015', 'from-gone')?.message).toBe(
      'claim from-gone restores from VolumeSnapshot gone, which cannot be used: VolumeSnapshot gone does not exist',
    );
    expect(find('PVC-015', 'from-nightly')?.message).toBe(
      'claim from-nightly restores from VolumeSnapshot nightly, which cannot be used: VolumeSnapshot nightly is being deleted',
    );
    expect(find('VS-002', 'nightly')?.message).toMatch(
      /^VolumeSnapshot nightly has been deleting for \S+, held by Pending claim\(s\) from-nightly restoring from it$/,
    );
    expect(find('STS-021', 'clone')).toMatchObject({ severity: 'error' });
    expect(find('STS-021', 'clone')!.message).toContain('clones VolumeSnapshot gone, which no longer exists');

    // The Pending restore gone, the controller lets the snapshot go.
    await cluster.remove('PersistentVolumeClaim', 'from-nightly', ns);
    await waitFor(`snapshot nightly deleted (log: ${controllerLog()})`, async () =>
      (await cluster.client.list<VolumeSnapshot>(snapshots(ns))).every((s) => s.metadata?.name !== 'nightly'),
    );
  });
});
