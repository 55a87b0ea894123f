// The upgrade path. Since 1.34 the API server refuses a StatefulSet whose
// mount names nothing, so that mistake lives on only in objects created before
// an upgrade. This test makes them on the legacy release (1.33) through its
// API, then carries them to the release under test as an upgraded cluster
// holds them: the bytes the 1.33 API server stored, copied key by key into the
// new etcd (test/cluster/storage.go). Restarting a newer release on the old
// data directory is not possible for a cluster this young: etcd 3.7 panics
// replaying 3.5's WAL entries ("unmarshal should never fail"), which a real
// cluster's etcd would long since have snapshotted and compacted away.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, audit, codesFor, harnessBinary, harnessState, kubeconfig, runCli, skipReason, waitFor, useSandbox } from './helpers.js';
import { statefulSet } from './fixtures.js';
import { reserveVolumeFor, seed000, seed002, waitForClaimPhase } from './scenarios.js';
import type { Pod, StatefulSet, Volume } from '../../src/kube/types.js';
// @ts-expect-error plain ESM script without types
import { down, releases, up } from '../../scripts/cluster.mjs';

const legacy = (releases() as Array<{ version: string; support: string }>).find((r) => r.support === 'legacy')!;

describe.skipIf(!!skipReason || !harnessState())(`objects made on Kubernetes ${legacy.version}, carried into the release under test`, () => {
  const sandbox = useSandbox();
  const oldDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sts-storage-legacy-'));
  let oldKubeconfig = '';

  // A cold machine builds the legacy control plane first: about 8 minutes on 2 cores.
  beforeAll(async () => {
    oldKubeconfig = (await up(oldDir, { version: legacy.version })).kubeconfig;
  }, 1_500_000);
  afterAll(async () => {
    await down(oldDir);
  });

  it('audits and repairs them: STS-001/STS-005, PV-002/PVC-003, fix-mounts, generate-template --apply, fix-claimref, undo', async () => {
    // On the old release, through its API, as users made them.
    const old = new Cluster(oldKubeconfig);
    const ns = await old.namespace('upgraded');
    await seed000(old, ns);
    await old.create(statefulSet('shop', { template: 'data', mount: 'shop-data', storageClassName: '' }), ns);
    const { pv } = await seed002(old, ns);
    const keys = [
      `/registry/namespaces/${ns}`,
      `/registry/statefulsets/${ns}/mysql`,
      `/registry/statefulsets/${ns}/shop`,
      `/registry/persistentvolumes/${pv}`,
      `/registry/persistentvolumeclaims/${ns}/pvc-shiqi-redis`,
    ];
    const exported = spawnSync(harnessBinary(legacy.version), ['etcd-export', '--dir', oldDir, ...keys], { encoding: 'utf8' });
    expect(exported.status, exported.stderr).toBe(0);
    old.client.close();
    await down(oldDir);

    // Into the release under test, byte for byte.
    const target = harnessState()!;
    const imported = spawnSync(harnessBinary(target.kubernetesVersion), ['etcd-import', '--dir', path.dirname(kubeconfig)], {
      input: exported.stdout,
      encoding: 'utf8',
    });
    expect(imported.status, imported.stderr).toBe(0);
    const cluster = sandbox.cluster;
    cluster.adopt('Namespace', ns);
    cluster.adopt('PersistentVolume', pv);
    await waitFor(
      'the carried objects visible through the new API server',
      async () => !!(await cluster.get('StatefulSet', 'shop', ns)) && !!(await cluster.get('PersistentVolume', pv)),
    );
    const minor = await cluster.serverMinor();

    // The audit finds the mistakes on the objects that survived the upgrade.
    await waitFor('FailedCreate from the new StatefulSet controller', async () => {
      const events = await cluster.client.list<{ reason?: string; involvedObject: { name?: string } }>(`/api/v1/namespaces/${ns}/events`);
      return events.some((e) => e.reason === 'FailedCreate' && e.involvedObject.name === 'mysql');
    });
    const { report } = await audit(['-n', ns]);
    expect(report.scope.serverVersion).toBe(target.kubernetesVersion);
    expect(codesFor(report, 'StatefulSet', 'mysql')).toEqual(expect.arrayContaining(['STS-001', 'STS-005']));
    expect(codesFor(report, 'StatefulSet', 'shop')).toEqual(expect.arrayContaining(['STS-001']));
    expect(codesFor(report, 'PersistentVolume', pv)).toEqual(['PV-002']);
    expect(codesFor(report, 'PersistentVolumeClaim', 'pvc-shiqi-redis')).toEqual(['PVC-003']);
    const note = report.findings.find((f) => f.code === 'STS-001' && f.object.name === 'mysql')!.evidence.at(-1);
    expect(note).toBe(
      minor >= 34
        ? `the API server (${target.kubernetesVersion}) refuses this at create since 1.34, so this object was created before an upgrade; its pods still cannot be created.`
        : `the API server (${target.kubernetesVersion}) accepts this StatefulSet, and every pod fails at creation.`,
    );

    // fix-mounts: the audit's own command.
    const mountsBackup = fs.mkdtempSync(path.join(os.tmpdir(), 'sts-storage-backups-'));
    const fixMounts = report.findings.find((f) => f.code === 'STS-001' && f.object.name === 'mysql')!.fix!.command;
    const fixed = await runCli([...fixMounts.split(' ').slice(2), '--yes'], { env: { STS_STORAGE_BACKUP_DIR: mountsBackup } });
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    await waitFor('pod mysql-0', async () => !!(await cluster.get<Pod>('Pod', 'mysql-0', ns)));

    // generate-template --apply: the recreated StatefulSet passes this release's create validation.
    await reserveVolumeFor(cluster, ns, 'shop-data-shop-0');
    const shopBefore = (await cluster.get<StatefulSet>('StatefulSet', 'shop', ns))!;
    const generated = await runCli(['generate-template', 'shop', '-n', ns, '--apply', '--yes'], { env: sandbox.env() });
    expect(generated.code, generated.stdout + generated.stderr).toBe(0);
    const shop = (await cluster.get<StatefulSet>('StatefulSet', 'shop', ns))!;
    expect(shop.metadata?.uid).not.toBe(shopBefore.metadata?.uid);
    expect(shop.spec?.volumeClaimTemplates?.map((t) => t.metadata?.name)).toEqual(['data', 'shop-data']);
    await waitFor('pod shop-0', async () => !!(await cluster.get<Pod>('Pod', 'shop-0', ns)));

    // fix-claimref: the carried claim binds its PV.
    const claimFix = report.findings.find((f) => f.code === 'PVC-003')!.fix!.command;
    const claimFixed = await runCli([...claimFix.split(' ').slice(2), '--yes'], { env: sandbox.env() });
    expect(claimFixed.code, claimFixed.stdout + claimFixed.stderr).toBe(0);
    await waitForClaimPhase(cluster, ns, 'pvc-shiqi-redis', 'Bound');
    expect((await cluster.get<Volume>('PersistentVolume', pv))!.spec?.claimRef?.name).toBe('pvc-shiqi-redis');

    const after = await audit(['-n', ns]);
    expect(after.report.findings.filter((f) => ['STS-001', 'STS-005', 'PV-002', 'PVC-003'].includes(f.code))).toEqual([]);

    // undo of fix-mounts puts the broken mount back where the release still accepts it;
    // from 1.34 the server refuses it (the template is validated on update), and nothing changes.
    const mysqlBefore = (await cluster.get<StatefulSet>('StatefulSet', 'mysql', ns))!;
    const undo = await runCli(['undo', fs.readdirSync(mountsBackup)[0]!, '--yes'], { env: { STS_STORAGE_BACKUP_DIR: mountsBackup } });
    const mysqlAfter = (await cluster.get<StatefulSet>('StatefulSet', 'mysql', ns))!;
    if (minor >= 34) {
      expect(undo.code, undo.stdout + undo.stderr).toBe(1);
      expect(undo.stdout).toContain('spec.template.spec.containers[0].volumeMounts[0].name: Not found: "mysql-data"');
      expect(mysqlAfter.metadata?.resourceVersion).toBe(mysqlBefore.metadata?.resourceVersion);
    } else {
      expect(undo.code, undo.stdout + undo.stderr).toBe(0);
      expect(mysqlAfter.spec?.template?.spec?.containers?.[0]?.volumeMounts?.[0]?.name).toBe('mysql-data');
    }
  });
});
