import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cluster, admin, harnessState, killApiServer, runCli, skipReason, waitFor, withComponentPaused } from './helpers.js';
import { releasedClaimGone, seed002 } from './scenarios.js';
import type { Volume } from '../../src/kube/types.js';
import { planClaimRefFix } from '../../src/fixes/fix-claimref.js';
import { applyPlan } from '../../src/fixes/apply-plan.js';
import type { PlannedChange } from '../../src/fixes/plan.js';

// Stopping and restarting components needs the project's own control plane.
describe.skipIf(!!skipReason || !harnessState())('faults on the real control plane', () => {
  let cluster: Cluster;
  let backupDir: string;
  beforeEach(() => {
    cluster = new Cluster();
    backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sts-storage-backups-'));
  });
  afterEach(async () => {
    await cluster.cleanup();
  });

  const planAll = async (pvs: string[]): Promise<PlannedChange[]> => {
    const changes: PlannedChange[] = [];
    for (const pv of pvs)
      changes.push(planClaimRefFix((await cluster.get<Volume>('PersistentVolume', pv))!, undefined, { full: true, force: false }) as PlannedChange);
    return changes;
  };

  it('an API server that stops answering: the audit exits 3 within --request-timeout, naming the server, with no report', async () => {
    const result = await withComponentPaused('apiserver', () => runCli(['audit', '-A', '-o', 'json', '--request-timeout', '2s']));
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(admin().server);
    expect(result.stderr).toContain('no answer within --request-timeout 2s');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a repair against a paused API server also gives up within --request-timeout', async () => {
    const ns = await cluster.namespace('slowfix');
    const { pv } = await seed002(cluster, ns);
    const result = await withComponentPaused('apiserver', () =>
      runCli(['fix-claimref', pv, '--yes', '--request-timeout', '2s'], { env: { STS_STORAGE_BACKUP_DIR: backupDir } }),
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('--request-timeout 2s');
  });

  it('the API server dies in the middle of a batch: each PV is changed (with its backup) or untouched; a re-run finishes the rest', async () => {
    const ns = await cluster.namespace('batchfault');
    const pvs = [await releasedClaimGone(cluster, ns, 'a'), await releasedClaimGone(cluster, ns, 'b'), await releasedClaimGone(cluster, ns, 'c')];
    const changes = await planAll(pvs);
    let restart: (() => Promise<void>) | undefined;
    const client = admin(5000);
    const result = await applyPlan(
      client,
      { command: 'fix-claimref --all --full', changes, refusals: [] },
      {
        dryRun: 'none',
        backupRoot: backupDir,
        confirm: async () => true,
        afterChange: async () => {
          restart ??= await killApiServer();
        },
      },
    );
    client.close();
    await restart!();
    expect(result.status).toBe('done');
    expect(result.outcomes.map((o) => [o.change.target.name, o.status])).toEqual([
      [pvs[0], 'applied'],
      [pvs[1], 'failed'],
      [pvs[2], 'failed'],
    ]);
    for (const o of result.outcomes.slice(1)) expect(o.message).toMatch(/nothing was sent, the object is untouched/);
    const first = (await cluster.get<Volume>('PersistentVolume', pvs[0]!))!;
    expect(first.spec?.claimRef).toBeUndefined();
    for (const pv of pvs.slice(1)) expect((await cluster.get<Volume>('PersistentVolume', pv))!.spec?.claimRef?.uid).toBeTruthy();
    const run = fs.readdirSync(backupDir)[0]!;
    expect(fs.existsSync(path.join(backupDir, run, `PersistentVolume_${pvs[0]}.yaml`))).toBe(true);

    // The binder answers the cleared claimRef by making the PV Available (a status write of its own); only then is its version the one to keep.
    await waitFor(`${pvs[0]} Available`, async () => (await cluster.get<Volume>('PersistentVolume', pvs[0]!))?.status?.phase === 'Available');
    const firstVersion = (await cluster.get<Volume>('PersistentVolume', pvs[0]!))!.metadata?.resourceVersion;
    const rerun = await runCli(['fix-claimref', '--all', '--full', '-n', ns, '--yes'], { env: { STS_STORAGE_BACKUP_DIR: backupDir } });
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain('2 of 2 change(s) applied');
    expect(rerun.stdout).not.toContain(pvs[0]!);
    expect((await cluster.get<Volume>('PersistentVolume', pvs[0]!))!.metadata?.resourceVersion).toBe(firstVersion);
  });

  it("Ctrl-C during a batch (the CLI aborts the engine's signal): the request in flight completes, the rest stay untouched", async () => {
    const ns = await cluster.namespace('sigint');
    const pvs = [await releasedClaimGone(cluster, ns, 'a'), await releasedClaimGone(cluster, ns, 'b')];
    const client = admin();
    const events: string[] = [];
    const interrupt = new AbortController();
    const result = await applyPlan(
      client,
      { command: 'fix-claimref --all --full', changes: await planAll(pvs), refusals: [] },
      {
        dryRun: 'none',
        backupRoot: backupDir,
        confirm: async () => true,
        report: (e) => events.push(e.kind),
        signal: interrupt.signal,
        afterChange: () => interrupt.abort(),
      },
    );
    client.close();
    expect(result.status).toBe('interrupted');
    expect(result.outcomes.map((o) => [o.change.target.name, o.status, o.message])).toEqual([
      [pvs[0], 'applied', undefined],
      [pvs[1], 'untouched', 'interrupted before this object'],
    ]);
    expect(events).toEqual(['backup', 'outcome', 'interrupted']);
    expect((await cluster.get<Volume>('PersistentVolume', pvs[1]!))!.spec?.claimRef?.uid).toBeTruthy();
  });
});
