import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit, kubeconfig, runCli, skipReason, useSandbox, waitFor } from './helpers.js';
import { statefulSet, volume } from './fixtures.js';
import { reserveVolumeFor, seed000, seed002 } from './scenarios.js';
import { PV_REPAIR_RULES, readOnlyClusterKubeconfig } from './rbac.js';
import type { StatefulSet, Volume } from '../../src/kube/types.js';

describe.skipIf(!!skipReason)('permissions and credentials on the real control plane', () => {
  const sandbox = useSandbox();

  it('cluster read-only (the audit ClusterRole of docs/guide.md): a full audit, and every repair refused before any write, naming the verb', async () => {
    const ns = await sandbox.cluster.namespace('readonly');
    const { pv, newUid } = await seed002(sandbox.cluster, ns);
    await seed000(sandbox.cluster, ns);
    await reserveVolumeFor(sandbox.cluster, ns, 'mysql-data-mysql-0');
    // Reserved for a claim that does not exist, so no live claim binds it meanwhile.
    const free = `pv-free-${ns}`;
    await sandbox.cluster.create(volume(free, { size: '5Gi', claimRef: { namespace: ns, name: 'ghost' } }));
    const kc = await readOnlyClusterKubeconfig(sandbox.cluster, ns);
    const full = await audit(['-A'], { kubeconfig: kc });
    expect(full.result.code).toBe(1);
    expect(full.report.skipped).toEqual([]);
    const versions = async () => [
      (await sandbox.cluster.get<Volume>('PersistentVolume', pv))!.metadata?.resourceVersion,
      (await sandbox.cluster.get<Volume>('PersistentVolume', free))!.metadata?.resourceVersion,
      (await sandbox.cluster.get<StatefulSet>('StatefulSet', 'mysql', ns))!.metadata?.uid,
    ];
    const before = await versions();
    const repairs: Array<[string[], RegExp]> = [
      [['fix-claimref', pv], /may not patch persistentvolumes/],
      [['prebind', free, '--statefulset', 'mysql', '--ordinal', '1', '-n', ns], /may not patch persistentvolumes/],
      [['fix-mounts', 'mysql', '-n', ns, '--rename', 'mysql-data=pvc-mysql-data-xxx'], new RegExp(`may not patch statefulsets\\.apps in namespace ${ns}`)],
      [['generate-template', 'mysql', '-n', ns, '--apply'], new RegExp(`may not delete statefulsets\\.apps in namespace ${ns}, create statefulsets\\.apps`)],
    ];
    for (const [args, message] of repairs) {
      const r = await runCli([...args, '--yes'], { env: sandbox.env(), kubeconfig: kc });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).toContain('nothing was changed');
    }
    expect(await versions()).toEqual(before);
    expect(fs.readdirSync(sandbox.backupDir)).toEqual([]);
  });

  it('just enough to repair PVs: fix-claimref works, generate-template --apply is refused before it deletes anything', async () => {
    const ns = await sandbox.cluster.namespace('pvrepair');
    const { pv, newUid } = await seed002(sandbox.cluster, ns);
    await sandbox.cluster.createLegacy(statefulSet('web', { mount: 'cache', storageClassName: '' }), ns);
    await reserveVolumeFor(sandbox.cluster, ns, 'cache-web-0');
    const kc = await readOnlyClusterKubeconfig(sandbox.cluster, ns, PV_REPAIR_RULES);
    const fix = await runCli(['fix-claimref', pv, '--yes'], { env: sandbox.env(), kubeconfig: kc });
    expect(fix.code, fix.stderr).toBe(0);
    // The stale uid is gone, so the binder gives the PV to the live claim: claimRef then carries that claim's uid
    // (asserting the fields empty raced the binder, which may already have bound it when the test reads the PV).
    await waitFor('the PV bound to the live claim', async () => {
      const v = await sandbox.cluster.get<Volume>('PersistentVolume', pv);
      return v?.spec?.claimRef?.uid === newUid && v.status?.phase === 'Bound';
    });
    const uid = (await sandbox.cluster.get<StatefulSet>('StatefulSet', 'web', ns))!.metadata?.uid;
    const gen = await runCli(['generate-template', 'web', '-n', ns, '--apply', '--yes'], { env: sandbox.env(), kubeconfig: kc });
    expect(gen.code).toBe(1);
    expect(gen.stderr).toMatch(/may not delete statefulsets\.apps/);
    expect((await sandbox.cluster.get<StatefulSet>('StatefulSet', 'web', ns))!.metadata?.uid).toBe(uid);
  });

  it('an expired or revoked token: one line, exit 3, no stack trace', async () => {
    const admin = fs.readFileSync(kubeconfig, 'utf8');
    const server = /server: (\S+)/.exec(admin)![1];
    const ca = /certificate-authority-data: (\S+)/.exec(admin)![1];
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kc-')), 'kubeconfig');
    fs.writeFileSync(
      file,
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: ${server}, certificate-authority-data: ${ca}}}]\nusers: [{name: u, user: {token: expired-token}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n`,
    );
    const r = await runCli(['audit', '-A'], { kubeconfig: file });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('401 Unauthorized');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a client key that is not a key: one line naming the user, exit 3, no stack trace', async () => {
    const admin = fs.readFileSync(kubeconfig, 'utf8');
    const server = /server: (\S+)/.exec(admin)![1];
    const ca = /certificate-authority-data: (\S+)/.exec(admin)![1];
    const cert = /client-certificate-data: (\S+)/.exec(admin)![1];
    const notAKey = Buffer.from('-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n').toString('base64');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kc-')), 'kubeconfig');
    fs.writeFileSync(
      file,
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: ${server}, certificate-authority-data: ${ca}}}]\nusers: [{name: broken-key, user: {client-certificate-data: ${cert}, client-key-data: ${notAKey}}}]\ncontexts: [{name: c, context: {cluster: c, user: broken-key}}]\ncurrent-context: c\n`,
    );
    const r = await runCli(['audit', '-A'], { kubeconfig: file });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('cannot use the client certificate and key of user "broken-key"');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names that do not exist: exit 2 with a clear message, nothing written', async () => {
    const ns = await sandbox.cluster.namespace('names');
    const cases: Array<[string[], string]> = [
      [['audit', '-n', `missing-${ns}`], `namespace "missing-${ns}" not found`],
      [['audit', 'nosuchsts', '-n', ns], `statefulset "nosuchsts" not found in namespace ${ns}`],
      [['show', 'nosuchsts', '-n', ns], `statefulset "nosuchsts" not found in namespace ${ns}`],
      [['fix-mounts', 'nosuchsts', '-n', ns, '--yes'], `statefulset "nosuchsts" not found in namespace ${ns}`],
      [['generate-template', 'nosuchsts', '-n', ns], `statefulset "nosuchsts" not found in namespace ${ns}`],
      [['prebind', 'nosuchpv', '--claim', `${ns}/x`, '--yes'], 'persistentvolume "nosuchpv" not found'],
      [['prebind', 'nosuchpv', '--statefulset', 'db', '--ordinal', '99999999', '--yes'], '--ordinal must be a whole number from 0 to 1000000'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { env: sandbox.env() });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(message);
      // Help does not help with a name that does not exist.
      if (message.includes('not found')) expect(r.stderr, args.join(' ')).not.toContain('--help');
    }
    expect(fs.readdirSync(sandbox.backupDir)).toEqual([]);
  });
});
