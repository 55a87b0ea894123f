import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, audit, codesFor, kubeconfig, runCli, skipReason, waitFor, useSandbox } from './helpers.js';
import { claim, statefulSet, volume } from './fixtures.js';
import { releasedClaimGone, seed002, waitForClaimPhase } from './scenarios.js';
import { readOnlyClusterKubeconfig } from './rbac.js';
import type { Claim, Volume } from '../../src/kube/types.js';
import { planClaimRefFix } from '../../src/fixes/fix-claimref.js';
import { applyPlan } from '../../src/fixes/apply-plan.js';

describe.skipIf(!!skipReason)('repairs on the real control plane', () => {
  const sandbox = useSandbox();

  const rv = async (pv: string) => (await sandbox.cluster.get<Volume>('PersistentVolume', pv))!.metadata!.resourceVersion;

  it("fix-claimref (the audit's own fix command) binds the re-created claim of seed 002 to the same PV, data untouched", async () => {
    const ns = await sandbox.cluster.namespace('fixref');
    const { pv, newUid } = await seed002(sandbox.cluster, ns);
    const before = (await sandbox.cluster.get<Volume>('PersistentVolume', pv))!;
    const { report } = await audit(['-n', ns]);
    const command = report.findings.find((f) => f.code === 'PVC-003')!.fix!.command;
    expect(command).toBe(`kubectl sts-storage fix-claimref ${pv}`);
    const result = await runCli([...command.split(' ').slice(2), '--yes'], { env: sandbox.env() });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toContain('- spec.claimRef.uid');
    expect(result.stdout).toMatch(/applied: PersistentVolume/);
    const bound = await waitForClaimPhase(sandbox.cluster, ns, 'pvc-shiqi-redis', 'Bound');
    expect(bound.spec?.volumeName).toBe(pv);
    const after = (await sandbox.cluster.get<Volume>('PersistentVolume', pv))!;
    expect(after.spec?.claimRef?.uid).toBe(newUid);
    expect(after.spec?.hostPath).toEqual(before.spec?.hostPath);
    expect(after.spec?.capacity).toEqual(before.spec?.capacity);
    // a backup of the PV as it was
    const runs = fs.readdirSync(sandbox.backupDir);
    expect(runs).toHaveLength(1);
    const saved = fs.readFileSync(path.join(sandbox.backupDir, runs[0]!, `PersistentVolume_${pv}.yaml`), 'utf8');
    expect(saved).toContain(before.spec!.claimRef!.uid!);
    // and the audit no longer reports it
    const again = await audit(['-n', ns]);
    expect(codesFor(again.report, 'PersistentVolume', pv)).toEqual([]);
    expect(codesFor(again.report, 'PersistentVolumeClaim', 'pvc-shiqi-redis')).toEqual([]);
  });

  it('the PV-001 fix keeps a Released PV for the claim of its name; --full, asked for, makes it Available to any claim', async () => {
    const ns = await sandbox.cluster.namespace('fixfull');
    const pv = await releasedClaimGone(sandbox.cluster, ns);
    const { report } = await audit(['-n', ns]);
    const command = report.findings.find((f) => f.code === 'PV-001')!.fix!.command;
    // The audit's advice never clears a claimRef (issue #25).
    expect(command).toBe(`kubectl sts-storage fix-claimref ${pv}`);
    const result = await runCli([...command.split(' ').slice(2), '--yes'], { env: sandbox.env() });
    expect(result.code, result.stderr).toBe(0);
    await waitFor('PV Available', async () => (await sandbox.cluster.get<Volume>('PersistentVolume', pv))?.status?.phase === 'Available');
    expect((await sandbox.cluster.get<Volume>('PersistentVolume', pv))!.spec?.claimRef).toMatchObject({ namespace: ns, name: 'gone' });
    expect((await sandbox.cluster.get<Volume>('PersistentVolume', pv))!.spec?.claimRef?.uid).toBeUndefined();
    // PV-001 is gone; what remains is true: the PV waits, reserved, for a claim named "gone".
    const again = await audit(['-n', ns]);
    expect(codesFor(again.report, 'PersistentVolume', pv)).toEqual(['PV-004']);
    // A claim of no StatefulSet ordinal: --full, asked for, needs no statement, and warns.
    const other = await releasedClaimGone(sandbox.cluster, ns, 'other');
    const full = await runCli(['fix-claimref', other, '--full', '--yes'], { env: sandbox.env() });
    expect(full.code, full.stdout + full.stderr).toBe(0);
    expect(full.stdout).toMatch(/ANY claim that matches/);
    await waitFor('PV Available', async () => (await sandbox.cluster.get<Volume>('PersistentVolume', other))?.status?.phase === 'Available');
    expect((await sandbox.cluster.get<Volume>('PersistentVolume', other))!.spec?.claimRef).toBeUndefined();
  });

  it('fix-claimref --all repairs every flagged PV of the namespace and nothing else', async () => {
    const ns = await sandbox.cluster.namespace('fixall');
    const a = await releasedClaimGone(sandbox.cluster, ns, 'one');
    const b = await releasedClaimGone(sandbox.cluster, ns, 'two');
    const result = await runCli(['fix-claimref', '--all', '--full', '-n', ns, '--yes'], { env: sandbox.env() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('2 of 2 change(s) applied');
    for (const pv of [a, b])
      await waitFor(`${pv} Available`, async () => (await sandbox.cluster.get<Volume>('PersistentVolume', pv))?.status?.phase === 'Available');
    const rerun = await runCli(['fix-claimref', '--all', '--full', '-n', ns, '--yes'], { env: sandbox.env() });
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('No Released PV with a stale claimRef in scope.');
  });

  it('--dry-run has the server validate the patch and changes nothing', async () => {
    const ns = await sandbox.cluster.namespace('dryrun');
    const { pv } = await seed002(sandbox.cluster, ns);
    const before = await rv(pv);
    const result = await runCli(['fix-claimref', pv, '--dry-run'], { env: sandbox.env() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`server dry run accepted: PersistentVolume ${pv}`);
    expect(await rv(pv)).toBe(before);
    expect(fs.readdirSync(sandbox.backupDir)).toEqual([]);
  });

  it('refuses to write without --yes when stdin is not a terminal (exit 2, nothing changed)', async () => {
    const ns = await sandbox.cluster.namespace('noyes');
    const { pv } = await seed002(sandbox.cluster, ns);
    const before = await rv(pv);
    const result = await runCli(['fix-claimref', pv], { env: sandbox.env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pass --yes');
    expect(await rv(pv)).toBe(before);
  });

  it('refuses a PV bound to a live claim, and one that is not Released, leaving them untouched', async () => {
    const ns = await sandbox.cluster.namespace('refuse');
    const pv = `pv-live-${ns}`;
    await sandbox.cluster.create(volume(pv, { claimRef: { namespace: ns, name: 'live' } }));
    await sandbox.cluster.create(claim('live'), ns);
    await waitForClaimPhase(sandbox.cluster, ns, 'live', 'Bound');
    const before = await rv(pv);
    const result = await runCli(['fix-claimref', pv, '--yes'], { env: sandbox.env() });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('is Bound, not Released');
    expect(result.stdout).toContain(`belongs to the live claim ${ns}/live`);
    expect(await rv(pv)).toBe(before);
    const missing = await runCli(['fix-claimref', 'no-such-pv', '--yes'], { env: sandbox.env() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('persistentvolume "no-such-pv" not found');
  });

  it("a PV changed between plan and apply fails on its precondition and keeps the other writer's change", async () => {
    const ns = await sandbox.cluster.namespace('race');
    const { pv } = await seed002(sandbox.cluster, ns);
    const read = (await sandbox.cluster.get<Volume>('PersistentVolume', pv))!;
    const plan = planClaimRefFix(read, undefined, { full: false, force: false });
    if (!('steps' in plan)) throw new Error('expected a plan');
    // Another writer changes the PV after the plan was made.
    await sandbox.cluster.patch('PersistentVolume', pv, undefined, { metadata: { labels: { 'changed-by': 'colleague' } } });
    const result = await applyPlan(
      sandbox.cluster.client,
      { command: 'fix-claimref', changes: [plan], refusals: [] },
      { dryRun: 'none', backupRoot: sandbox.backupDir, confirm: async () => true },
    );
    expect(result.outcomes.map((o) => o.status)).toEqual(['failed']);
    expect(result.outcomes[0]!.message).toContain('it changed since it was read');
    const now = (await sandbox.cluster.get<Volume>('PersistentVolume', pv))!;
    expect(now.metadata?.labels?.['changed-by']).toBe('colleague');
    expect(now.spec?.claimRef?.uid).toBe(read.spec?.claimRef?.uid);
  });

  it('prebind chooses which of two matching PVs an ordinal claim gets, before the StatefulSet exists', async () => {
    const ns = await sandbox.cluster.namespace('prebind');
    const small = `pv-a-${ns}`;
    const big = `pv-b-${ns}`;
    // Without prebind the binder would pick the smallest match, pv-a.
    await sandbox.cluster.create(volume(small, { size: '1Gi', storageClassName: `pre-${ns}` }));
    await sandbox.cluster.create(volume(big, { size: '2Gi', storageClassName: `pre-${ns}` }));
    const sts = statefulSet('db', { storageClassName: `pre-${ns}` });
    // prebind needs the template: create the StatefulSet with 0 replicas first.
    sts.spec.replicas = 0;
    await sandbox.cluster.create(sts, ns);
    const result = await runCli(['prebind', big, '--statefulset', 'db', '--ordinal', '0', '-n', ns, '--yes'], { env: sandbox.env() });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const reserved = (await sandbox.cluster.get<Volume>('PersistentVolume', big))!;
    expect(reserved.spec?.claimRef).toMatchObject({ namespace: ns, name: 'data-db-0' });
    expect(reserved.spec?.claimRef?.uid).toBeUndefined();
    await sandbox.cluster.patch('StatefulSet', 'db', ns, { spec: { replicas: 1 } });
    const bound = await waitForClaimPhase(sandbox.cluster, ns, 'data-db-0', 'Bound');
    expect(bound.spec?.volumeName).toBe(big);
    expect((await sandbox.cluster.get<Volume>('PersistentVolume', small))!.status?.phase).toBe('Available');
  });

  it('prebind refuses an incompatible pair and lists every reason', async () => {
    const ns = await sandbox.cluster.namespace('prebad');
    const pv = `pv-tiny-${ns}`;
    await sandbox.cluster.create(volume(pv, { size: '1Gi', accessModes: ['ReadOnlyMany'], storageClassName: `tiny-${ns}` }));
    await sandbox.cluster.create(claim('big', { size: '5Gi' }), ns);
    const before = await rv(pv);
    const result = await runCli(['prebind', pv, '--claim', `${ns}/big`, '--yes'], { env: sandbox.env() });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('capacity 1Gi is smaller than the request 5Gi');
    expect(result.stdout).toContain('lack ReadWriteOnce');
    expect(await rv(pv)).toBe(before);
    const bad = await runCli(['prebind', pv, '--claim', 'NoSlash', '--yes'], { env: sandbox.env() });
    expect(bad.code).toBe(2);
    // --claim NAME is a claim of -n now (restores reserve claims that do not exist yet); this one is no valid name.
    expect(bad.stderr).toContain('claim "NoSlash" is not a valid name');
  });

  it('refuses before any write when RBAC lacks the verb, naming it', async () => {
    const ns = await sandbox.cluster.namespace('rbac');
    const { pv } = await seed002(sandbox.cluster, ns);
    const kubeconfig = await readOnlyClusterKubeconfig(sandbox.cluster, ns);
    const before = await rv(pv);
    const result = await runCli(['fix-claimref', pv, '--yes'], { env: sandbox.env(), kubeconfig });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('may not patch persistentvolumes');
    expect(await rv(pv)).toBe(before);
    const c = await sandbox.cluster.get<Claim>('PersistentVolumeClaim', 'pvc-shiqi-redis', ns);
    expect(c?.status?.phase).toBe('Pending');
  });
});

describe.skipIf(!!skipReason)('the confirmation prompt on a terminal', () => {
  const sandbox = useSandbox();

  it('Ctrl-C at the prompt: a new line, "nothing was changed", exit 130, no backup, the PV untouched', async () => {
    const ns = await sandbox.cluster.namespace('ctrlc');
    const pv = await releasedClaimGone(sandbox.cluster, ns);
    const before = (await sandbox.cluster.get<Volume>('PersistentVolume', pv))!.metadata?.resourceVersion;
    const r = spawnSync(
      'python3',
      [
        path.join(ROOT, 'test/integration/pty-answer.py'),
        '[y/N]',
        '\\x03',
        '--',
        process.execPath,
        path.join(ROOT, 'bin/kubectl-sts-storage'),
        'fix-claimref',
        pv,
        '--full',
      ],
      {
        env: { ...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1', ...sandbox.env() },
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stdout + r.stderr).toBe(130);
    expect(r.stdout).toMatch(/Apply 1 change\(s\)\? \[y\/N\] .*\r?\n(\r?\n)?Interrupted: nothing was changed\./s);
    expect(fs.existsSync(sandbox.backupDir) ? fs.readdirSync(sandbox.backupDir) : []).toEqual([]);
    expect((await sandbox.cluster.get<Volume>('PersistentVolume', pv))!.metadata?.resourceVersion).toBe(before);
  });
});
