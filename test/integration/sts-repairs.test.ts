import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { audit, codesFor, runCli, skipReason, waitFor, useSandbox } from './helpers.js';
import { statefulSet, volume } from './fixtures.js';
import { reserveVolumeFor, seed000, waitForClaimPhase } from './scenarios.js';
import type { Claim, KubeEvent, Pod, StatefulSet } from '../../src/kube/types.js';

describe.skipIf(!!skipReason)('StatefulSet repairs on the real control plane', () => {
  const sandbox = useSandbox();

  const pod = (ns: string, name: string) => sandbox.cluster.get<Pod>('Pod', name, ns);

  it("fix-mounts (STS-001's fix command) renames the mount; the controller then creates mysql-0", async () => {
    const ns = await sandbox.cluster.namespace('fixmounts');
    await sandbox.cluster.create(volume(`pv-mysql-${ns}`, { claimRef: { namespace: ns, name: 'pvc-mysql-data-xxx-mysql-0' } }));
    await seed000(sandbox.cluster, ns);
    const { report } = await audit(['-n', ns]);
    const command = report.findings.find((f) => f.code === 'STS-001')!.fix!.command;
    const result = await runCli([...command.split(' ').slice(2), '--yes'], { env: sandbox.env() });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toContain('+ spec.template.spec.containers[0].volumeMounts[0].name: "pvc-mysql-data-xxx"');
    await waitFor('pod mysql-0', async () => !!(await pod(ns, 'mysql-0')));
    await waitForClaimPhase(sandbox.cluster, ns, 'pvc-mysql-data-xxx-mysql-0', 'Bound');
    const again = await audit(['-n', ns]);
    expect(codesFor(again.report, 'StatefulSet', 'mysql').filter((c) => ['STS-001', 'STS-002', 'STS-005'].includes(c))).toEqual([]);
  });

  it('fix-mounts refuses a rename whose target is not a template (exit 2, nothing written)', async () => {
    const ns = await sandbox.cluster.namespace('badrename');
    await seed000(sandbox.cluster, ns);
    const before = (await sandbox.cluster.get<StatefulSet>('StatefulSet', 'mysql', ns))!.metadata!.resourceVersion;
    const result = await runCli(['fix-mounts', 'mysql', '-n', ns, '--rename', 'mysql-data=nothing-like-it', '--yes'], { env: sandbox.env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"nothing-like-it" is neither a volumeClaimTemplate nor a pod volume');
    expect((await sandbox.cluster.get<StatefulSet>('StatefulSet', 'mysql', ns))!.metadata!.resourceVersion).toBe(before);
  });

  it("generate-template prints the fixed manifest with the values' origin", async () => {
    const ns = await sandbox.cluster.namespace('gentpl');
    await seed000(sandbox.cluster, ns);
    const result = await runCli(['generate-template', 'mysql', '-n', ns, '--size', '5Gi'], { env: sandbox.env() });
    expect(result.code, result.stderr).toBe(0);
    const manifest = parse(result.stdout) as StatefulSet;
    expect(manifest.metadata?.uid).toBeUndefined();
    expect(manifest.status).toBeUndefined();
    expect(manifest.spec?.volumeClaimTemplates?.map((t) => t.metadata?.name)).toEqual(['pvc-mysql-data-xxx', 'mysql-data']);
    expect(manifest.spec?.volumeClaimTemplates?.[1]?.spec?.resources?.requests?.['storage']).toBe('5Gi');
    expect(result.stderr).toContain('size 5Gi: from --size');
    expect(result.stderr).toContain('accessModes [ReadWriteOnce]: default');
  });

  it("generate-template --apply recreates seed 000's StatefulSet: mysql-0 is created, no new FailedCreate, existing claims reused", async () => {
    const ns = await sandbox.cluster.namespace('genapply');
    await seed000(sandbox.cluster, ns);
    await reserveVolumeFor(sandbox.cluster, ns, 'mysql-data-mysql-0');
    await sandbox.cluster.patch('StatefulSet', 'mysql', ns, {
      spec: { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } },
    });
    const oldSts = (await sandbox.cluster.get<StatefulSet>('StatefulSet', 'mysql', ns))!;
    const existing = (await sandbox.cluster.get<Claim>('PersistentVolumeClaim', 'pvc-mysql-data-xxx-mysql-0', ns))!;
    const dry = await runCli(['generate-template', 'mysql', '-n', ns, '--apply', '--dry-run'], { env: sandbox.env() });
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout).toContain('server dry run accepted');
    expect((await sandbox.cluster.get<StatefulSet>('StatefulSet', 'mysql', ns))!.metadata!.uid).toBe(oldSts.metadata!.uid);

    const result = await runCli(['generate-template', 'mysql', '-n', ns, '--apply', '--yes'], { env: sandbox.env() });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('whenDeleted is Delete');
    const newSts = (await sandbox.cluster.get<StatefulSet>('StatefulSet', 'mysql', ns))!;
    expect(newSts.metadata?.uid).not.toBe(oldSts.metadata?.uid);
    expect(newSts.spec?.volumeClaimTemplates?.map((t) => t.metadata?.name)).toEqual(['pvc-mysql-data-xxx', 'mysql-data']);
    expect(newSts.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted).toBe('Delete');
    const p = (await pod(ns, 'mysql-0'))!;
    expect(p.metadata?.ownerReferences?.[0]?.uid).toBe(newSts.metadata?.uid);
    expect(
      p.spec?.volumes
        ?.map((v) => v.persistentVolumeClaim?.claimName)
        .filter(Boolean)
        .sort(),
    ).toEqual(['mysql-data-mysql-0', 'pvc-mysql-data-xxx-mysql-0']);
    const reused = (await sandbox.cluster.get<Claim>('PersistentVolumeClaim', 'pvc-mysql-data-xxx-mysql-0', ns))!;
    expect(reused.metadata?.uid).toBe(existing.metadata?.uid);
    const events = await sandbox.cluster.client.list<KubeEvent>(`/api/v1/namespaces/${ns}/events`);
    expect(events.filter((e) => e.reason === 'FailedCreate' && e.involvedObject.uid === newSts.metadata?.uid)).toEqual([]);
    // the full StatefulSet is in the backup, for undo
    const run = fs.readdirSync(sandbox.backupDir)[0]!;
    expect(fs.readFileSync(path.join(sandbox.backupDir, run, `StatefulSet_${ns}_mysql.yaml`), 'utf8')).toContain('pvc-mysql-data-xxx');
  });

  it('generate-template --apply is refused before it deletes anything when RBAC lacks delete', async () => {
    const ns = await sandbox.cluster.namespace('genrbac');
    await sandbox.cluster.createLegacy(statefulSet('web', { mount: 'cache', storageClassName: '' }), ns);
    await reserveVolumeFor(sandbox.cluster, ns, 'cache-web-0');
    const { readOnlyClusterKubeconfig } = await import('./rbac.js');
    const kubeconfig = await readOnlyClusterKubeconfig(sandbox.cluster, ns);
    const uid = (await sandbox.cluster.get<StatefulSet>('StatefulSet', 'web', ns))!.metadata!.uid;
    const result = await runCli(['generate-template', 'web', '-n', ns, '--apply', '--yes'], { env: sandbox.env(), kubeconfig });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/may not delete statefulsets\.apps in namespace/);
    expect((await sandbox.cluster.get<StatefulSet>('StatefulSet', 'web', ns))!.metadata!.uid).toBe(uid);
  });

  it('generate-template refuses a template whose claims would stay Pending (no default class), and offers the class of free PVs that fit', async () => {
    const ns = await sandbox.cluster.namespace('genstrand');
    await seed000(sandbox.cluster, ns);
    const free = `pv-manual-${ns}`;
    await sandbox.cluster.create(volume(free, { size: '2Gi', storageClassName: `manual-${ns}` }));
    const before = (await sandbox.cluster.get<StatefulSet>('StatefulSet', 'mysql', ns))!;
    const refused = await runCli(['generate-template', 'mysql', '-n', ns, '--apply', '--yes'], { env: sandbox.env() });
    expect(refused.code, refused.stdout + refused.stderr).toBe(1);
    expect(refused.stderr).toContain('storageClassName: unset, and the cluster has no default StorageClass');
    expect(refused.stdout).toContain(`its claims would stay Pending; pass --storage-class manual-${ns} (free PVs that fit: ${free})`);
    expect((await sandbox.cluster.get<StatefulSet>('StatefulSet', 'mysql', ns))!.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);

    // The class it offered: the new claim binds the free PV, and the audit raises nothing about the new template.
    const applied = await runCli(['generate-template', 'mysql', '-n', ns, '--storage-class', `manual-${ns}`, '--apply', '--yes'], { env: sandbox.env() });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    await waitForClaimPhase(sandbox.cluster, ns, 'mysql-data-mysql-0', 'Bound');
    const after = await audit(['-n', ns]);
    expect(after.report.findings.filter((f) => f.object.name === 'mysql-data-mysql-0' || f.message.includes('"mysql-data"'))).toEqual([]);
  });
});
