import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { harnessState, runCli, skipReason, withComponentPaused, useSandbox } from './helpers.js';
import { reserveVolumeFor, seed000, seed002, waitForClaimPhase } from './scenarios.js';
import type { Claim, StatefulSet, Volume } from '../../src/kube/types.js';

describe.skipIf(!!skipReason)('undo on the real control plane', () => {
  const sandbox = useSandbox();

  // Pausing the controller-manager needs the project's own control plane.
  it.skipIf(!harnessState())(
    'fix-claimref then undo restores exactly the previous claimRef, the claim stays Pending, and a second undo is refused',
    async () => {
      const ns = await sandbox.cluster.namespace('undo');
      const { pv } = await seed002(sandbox.cluster, ns);
      const original = (await sandbox.cluster.get<Volume>('PersistentVolume', pv))!;
      await withComponentPaused('controller-manager', async () => {
        const fix = await runCli(['fix-claimref', pv, '--yes'], { env: sandbox.env() });
        expect(fix.code, fix.stdout + fix.stderr).toBe(0);
        expect((await sandbox.cluster.get<Volume>('PersistentVolume', pv))!.spec?.claimRef?.uid).toBeUndefined();
        // The list records the command as typed, every flag kept, and -n narrows it (issue #25).
        const list = await runCli(['undo'], { env: sandbox.env() });
        expect(list.stdout).toContain(`kubectl sts-storage fix-claimref ${pv} --yes`);
        expect((await runCli(['undo', '-n', ns], { env: sandbox.env() })).stdout).toContain(`fix-claimref ${pv}`);
        expect((await runCli(['undo', '-n', `not-${ns}`], { env: sandbox.env() })).stdout).toContain('No backups taken on');
        const name = fs.readdirSync(sandbox.backupDir)[0]!;
        const undo = await runCli(['undo', name, '--yes'], { env: sandbox.env() });
        expect(undo.code, undo.stdout + undo.stderr).toBe(0);
        expect(undo.stdout).toContain(`+ spec.claimRef.uid: "${original.spec!.claimRef!.uid}"`);
      });
      const restored = (await sandbox.cluster.get<Volume>('PersistentVolume', pv))!;
      expect(restored.spec?.claimRef).toEqual(original.spec?.claimRef);
      // The binder runs again: with the old uid back, the claim stays Pending.
      await new Promise((r) => setTimeout(r, 3000));
      expect((await sandbox.cluster.get<Claim>('PersistentVolumeClaim', 'pvc-shiqi-redis', ns))!.status?.phase).toBe('Pending');
      expect((await sandbox.cluster.get<Volume>('PersistentVolume', pv))!.status?.phase).toBe('Released');
      const name = fs.readdirSync(sandbox.backupDir).sort()[0]!;
      const again = await runCli(['undo', name, '--yes'], { env: sandbox.env() });
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('was already restored');
    },
  );

  it('refuses to undo once the binder has moved the PV on, saying what changed', async () => {
    const ns = await sandbox.cluster.namespace('undomoved');
    const { pv, newUid } = await seed002(sandbox.cluster, ns);
    const fix = await runCli(['fix-claimref', pv, '--yes'], { env: sandbox.env() });
    expect(fix.code).toBe(0);
    await waitForClaimPhase(sandbox.cluster, ns, 'pvc-shiqi-redis', 'Bound');
    const before = (await sandbox.cluster.get<Volume>('PersistentVolume', pv))!.metadata?.resourceVersion;
    const name = fs.readdirSync(sandbox.backupDir)[0]!;
    const undo = await runCli(['undo', name, '--yes'], { env: sandbox.env() });
    expect(undo.code).toBe(1);
    expect(undo.stdout).toContain('it has moved on since the repair');
    expect(undo.stdout).toMatch(/spec\.claimRef: the repair left \{[^}]*name: pvc-shiqi-redis[^}]*\}, it is now \{[^}]*uid: /);
    expect(undo.stdout).toContain(`uid: ${newUid}`);
    expect(undo.stdout).not.toContain(`"uid":`);
    expect((await sandbox.cluster.get<Volume>('PersistentVolume', pv))!.metadata?.resourceVersion).toBe(before);
  });

  it('undoes generate-template --apply: the StatefulSet as it was is recreated (up to 1.33), or the undo is refused before anything is deleted (1.34+ refuses to create it)', async () => {
    const ns = await sandbox.cluster.namespace('undogen');
    await seed000(sandbox.cluster, ns);
    await reserveVolumeFor(sandbox.cluster, ns, 'mysql-data-mysql-0');
    const original = (await sandbox.cluster.get<StatefulSet>('StatefulSet', 'mysql', ns))!;
    const claimUid = (await sandbox.cluster.get<Claim>('PersistentVolumeClaim', 'pvc-mysql-data-xxx-mysql-0', ns))!.metadata?.uid;
    const apply = await runCli(['generate-template', 'mysql', '-n', ns, '--apply', '--yes'], { env: sandbox.env() });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    const repaired = (await sandbox.cluster.get<StatefulSet>('StatefulSet', 'mysql', ns))!;
    const name = fs.readdirSync(sandbox.backupDir)[0]!;
    const undo = await runCli(['undo', name, '--yes'], { env: sandbox.env() });
    const restored = (await sandbox.cluster.get<StatefulSet>('StatefulSet', 'mysql', ns))!;
    if ((await sandbox.cluster.serverMinor()) >= 34) {
      // The backup holds a StatefulSet that predates 1.34's validation: it cannot be created again.
      expect(undo.code, undo.stdout + undo.stderr).toBe(1);
      expect(undo.stdout).toContain('the API server would refuse the object to be created, so nothing was deleted');
      expect(undo.stdout).toContain('spec.template.spec.containers[0].volumeMounts[0].name: Not found: "mysql-data"');
      expect(restored.metadata?.uid).toBe(repaired.metadata?.uid);
      expect(restored.metadata?.resourceVersion).toBe(repaired.metadata?.resourceVersion);
    } else {
      expect(undo.code, undo.stdout + undo.stderr).toBe(0);
      expect(restored.metadata?.uid).not.toBe(original.metadata?.uid);
      expect(restored.spec?.volumeClaimTemplates?.map((t) => t.metadata?.name)).toEqual(['pvc-mysql-data-xxx']);
      expect(restored.spec?.template?.spec?.containers?.[0]?.volumeMounts?.[0]?.name).toBe('mysql-data');
    }
    expect((await sandbox.cluster.get<Claim>('PersistentVolumeClaim', 'pvc-mysql-data-xxx-mysql-0', ns))!.metadata?.uid).toBe(claimUid);
  });
});
