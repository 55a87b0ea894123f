import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cluster, audit, codesFor, runCli, skipReason } from './helpers.js';
import { claim, statefulSet } from './fixtures.js';
import { releasedClaimGone, waitForClaimPhase, waitForClaims } from './scenarios.js';
import { namespaceReaderKubeconfig } from './rbac.js';
import { ApiError } from '../../src/kube/errors.js';
import { matchesRefusal } from '../../src/kube/server-messages.js';
import type { StatefulSet } from '../../src/kube/types.js';

function manifest(objects: object[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-')), 'app.yaml');
  fs.writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
  return file;
}

describe.skipIf(!!skipReason)('audit -f --preflight on the real control plane', () => {
  let cluster: Cluster;
  beforeEach(() => {
    cluster = new Cluster();
  });
  afterEach(async () => {
    await cluster.cleanup();
  });

  it('predicts Pending claims for a template whose StorageClass is missing, then applying confirms it', async () => {
    const ns = await cluster.namespace('pfsc');
    const sts = { ...statefulSet('db', { storageClassName: `missing-${ns}`, replicas: 2, parallel: true }), metadata: { name: 'db', namespace: ns } };
    const file = manifest([sts]);
    const { report } = await audit(['-f', file, '--preflight']);
    const predicted = report.findings
      .filter((f) => f.code === 'PVC-002' && f.object.namespace === ns)
      .map((f) => f.object.name)
      .sort();
    expect(predicted).toEqual(['data-db-0', 'data-db-1']);
    expect(report.findings.find((f) => f.code === 'PVC-002' && f.object.namespace === ns)!.message).toMatch(/^after apply: /);
    expect(report.preflight?.map((p) => `${p.claim} ${p.outcome}`)).toEqual(['data-db-0 stays-pending', 'data-db-1 stays-pending']);
    expect(codesFor(report, 'StatefulSet', 'db')).toContain('STS-006');
    expect(report.findings.find((f) => f.code === 'STS-006' && f.object.namespace === ns)!.location?.file).toBe(file);

    await cluster.create(sts, ns);
    await waitForClaims(cluster, ns, ['data-db-0', 'data-db-1']);
    const real = await audit(['-n', ns]);
    expect(codesFor(real.report, 'PersistentVolumeClaim', 'data-db-0')).toEqual(['PVC-002']);
    expect(codesFor(real.report, 'PersistentVolumeClaim', 'data-db-1')).toEqual(['PVC-002']);
  });

  it('predicts the seed 002 trap: a Released PV whose claimRef names a claim the manifest will create', async () => {
    const ns = await cluster.namespace('pftrap');
    const pv = await releasedClaimGone(cluster, ns, 'data-redis-0');
    const sts = { ...statefulSet('redis', { storageClassName: '' }), metadata: { name: 'redis', namespace: ns } };
    const { report } = await audit(['-f', manifest([sts]), '--preflight']);
    const trap = report.findings.find((f) => f.code === 'PVC-003' && f.object.name === 'data-redis-0');
    expect(trap?.message).toMatch(/^after apply: claim data-redis-0 is Pending: PV .* still holds the uid of a deleted claim/);
    expect(trap?.fix?.command).toBe(`kubectl sts-storage fix-claimref ${pv}`);
    expect(report.preflight).toEqual([
      expect.objectContaining({ claim: 'data-redis-0', outcome: 'stays-pending', detail: expect.stringContaining('PVC-003') }),
    ]);

    await cluster.create(sts, ns);
    await waitForClaims(cluster, ns, ['data-redis-0']);
    await new Promise((r) => setTimeout(r, 2500));
    await waitForClaimPhase(cluster, ns, 'data-redis-0', 'Pending');
    const real = await audit(['-n', ns]);
    expect(codesFor(real.report, 'PersistentVolumeClaim', 'data-redis-0')).toEqual(['PVC-003']);
    expect(codesFor(real.report, 'PersistentVolume', pv)).toEqual(['PV-002']);
  });

  it('predicts that a changed volumeClaimTemplate will be refused, and the API server refuses it', async () => {
    const ns = await cluster.namespace('pfimmut');
    await cluster.create<StatefulSet>(statefulSet('web', { storageClassName: '', size: '1Gi' }) as StatefulSet, ns);
    const changed = { ...statefulSet('web', { storageClassName: '', size: '5Gi' }), metadata: { name: 'web', namespace: ns } };
    const { report } = await audit(['-f', manifest([changed]), '--preflight']);
    const f = report.findings.find((x) => x.code === 'STS-011' && x.object.name === 'web' && x.object.namespace === ns);
    expect(f?.message).toContain('will be refused: volumeClaimTemplates differs');
    // The manifest only grows the template: resize is the command that makes that change.
    expect(f?.fix?.command).toBe(`kubectl sts-storage resize web -n ${ns} --to 5Gi`);

    // What `kubectl apply` sends: a patch of the changed fields.
    const err = await cluster.patch('StatefulSet', 'web', ns, { spec: { volumeClaimTemplates: changed.spec.volumeClaimTemplates } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(422);
    // The refusal the audit quoted for this server's release is the one it gives.
    const version = report.scope.serverVersion!;
    const quoted = f!.evidence.find((e) => e.startsWith(`the API server (${version}) answers: `))!.slice(`the API server (${version}) answers: `.length);
    expect(matchesRefusal(quoted, (err as ApiError).message), `predicted: ${quoted}\nreal: ${(err as ApiError).message}`).toBe(true);
  });

  it('STS-001 on a manifest says what this release does with it, and the API server does exactly that', async () => {
    const ns = await cluster.namespace('pfmount');
    const sts = {
      ...statefulSet('mysql', { template: 'pvc-mysql-data-xxx', mount: 'mysql-data', storageClassName: '' }),
      metadata: { name: 'mysql', namespace: ns },
    };
    const { report } = await audit(['-f', manifest([sts]), '--preflight']);
    const version = report.scope.serverVersion!;
    const f = report.findings.find((x) => x.code === 'STS-001' && x.object.namespace === ns)!;
    const created = await cluster.create(sts, ns).then(
      () => undefined,
      (e: unknown) => e,
    );
    if ((await cluster.serverMinor()) >= 34) {
      expect(f.message).toContain(`; the API server (${version}) will refuse it at create`);
      const quoted = f.evidence
        .find((e) => e.startsWith(`the API server (${version}) will refuse it: `))!
        .slice(`the API server (${version}) will refuse it: `.length);
      expect(created).toBeInstanceOf(ApiError);
      expect((created as ApiError).status).toBe(422);
      expect(matchesRefusal(quoted, (created as ApiError).message), `predicted: ${quoted}\nreal: ${(created as ApiError).message}`).toBe(true);
      // The preflight asked the server itself (a dry run) and quotes its refusal word for word.
      const verdict = report.serverVerdicts!.find((v) => v.namespace === ns && v.name === 'mysql')!;
      expect(verdict.verdict).toBe('refused');
      expect(verdict.message).toBe((created as ApiError).message);
    } else {
      expect(f.evidence).toContain(`the API server (${version}) accepts this StatefulSet, and every pod fails at creation.`);
      expect(created).toBeUndefined();
      expect(report.serverVerdicts!.find((v) => v.namespace === ns && v.name === 'mysql')!.verdict).toBe('accepted');
    }
  });

  it('--preflight asks the server only where the user may create, and says where it did not', async () => {
    const ns = await cluster.namespace('pfask');
    const sts = { ...statefulSet('db', { storageClassName: `missing-${ns}` }), metadata: { name: 'db', namespace: ns } };
    const file = manifest([sts]);
    const admin = await audit(['-f', file, '--preflight', '-n', ns]);
    expect(admin.report.serverVerdicts).toEqual([
      expect.objectContaining({ kind: 'StatefulSet', name: 'db', namespace: ns, verdict: 'accepted', warnings: [] }),
    ]);
    // Nothing was stored by the dry run.
    expect(await cluster.get('StatefulSet', 'db', ns)).toBeUndefined();
    const reader = await namespaceReaderKubeconfig(cluster, ns);
    const limited = await audit(['-f', file, '--preflight', '-n', ns], { kubeconfig: reader });
    expect(limited.report.serverVerdicts).toEqual([
      expect.objectContaining({ name: 'db', verdict: 'not-asked', message: `you may not create and patch statefulsets in namespace ${ns}` }),
    ]);
    const table = await runCli(['audit', '-f', file, '--preflight', '-n', ns], { kubeconfig: reader });
    expect(table.stdout).toContain("judged by the server's published schema instead");
  });

  // Narrowing: names, -l, -n and --preflight -n report only what was asked about.
  it('a StatefulSet name, a selector that matches nothing, -n, and -n with --preflight', async () => {
    const ns = await cluster.namespace('narrow');
    const other = await cluster.namespace('elsewhere');
    await cluster.create(statefulSet('cache', { storageClassName: `missing-${ns}` }), ns);
    await waitForClaims(cluster, ns, ['data-cache-0']);
    // Claims of no StatefulSet, broken on purpose, here and in another namespace.
    await cluster.create(claim('orphan', { storageClassName: `missing-${ns}` }), ns);
    await cluster.create(claim('stray', { storageClassName: `missing-${ns}` }), other);

    const byName = await audit(['cache', '-n', ns]);
    const objects = (r: typeof byName) => [...new Set(r.report.findings.map((f) => `${f.object.kind}/${f.object.name}`))].sort();
    expect(objects(byName)).toEqual(['PersistentVolumeClaim/data-cache-0', 'StatefulSet/cache']);

    const nothing = await audit(['-l', 'app=nomatch', '-n', ns]);
    expect(nothing.report.findings).toEqual([]);
    expect(nothing.result.code).toBe(0);
    expect(nothing.result.stderr).toContain(`No StatefulSet matches -l app=nomatch in namespace ${ns} (Kubernetes ${nothing.report.scope.serverVersion}).`);

    const whole = await audit(['-n', ns]);
    expect(objects(whole)).toEqual(['PersistentVolumeClaim/data-cache-0', 'PersistentVolumeClaim/orphan', 'StatefulSet/cache']);

    const file = manifest([{ ...statefulSet('web', { storageClassName: `missing-${ns}` }), metadata: { name: 'web', namespace: ns } }]);
    const pre = await audit(['-f', file, '--preflight', '-n', ns]);
    expect(pre.report.findings.every((f) => f.object.namespace === ns || f.object.kind === 'PersistentVolume')).toBe(true);
    expect(pre.report.findings.some((f) => f.object.name === 'stray')).toBe(false);
    expect(pre.report.scope).toMatchObject({ namespace: ns, allNamespaces: false });
    // Without -n the preflight speaks of the manifests' namespaces (issue #25), not of every namespace.
    const own = await audit(['-f', file, '--preflight']);
    expect(own.report.findings.some((f) => f.object.name === 'stray')).toBe(false);
    expect(own.report.findings.some((f) => f.object.name === 'orphan')).toBe(true);
    expect(own.report.scope).toMatchObject({ namespaces: [ns], allNamespaces: false });
    const table = await runCli(['audit', '-f', file, '--preflight']);
    expect(table.stdout).toContain(`, namespace ${ns}`);
    expect(table.stdout).not.toMatch(/predicted:[a-z0-9-]+\//);
    const wide = await audit(['-f', file, '--preflight', '-A']);
    expect(wide.report.findings.some((f) => f.object.name === 'stray')).toBe(true);
  });

  it("--preflight validates the files against the schema the cluster's own API server publishes", async () => {
    const version = (await cluster.client.request<{ gitVersion: string }>('GET', '/version')).gitVersion;
    const file = manifest([
      { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-bad' }, spec: { accessModes: 'ReadWriteOnce', capacity: { storage: 'lots' } } },
    ]);
    const r = await runCli(['audit', '-f', file, '--preflight']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`PersistentVolume pv-bad: .spec.accessModes: must be array (Kubernetes ${version} schema)`);
    expect(r.stderr).toContain(`PersistentVolume pv-bad: .spec.capacity.storage: must be a quantity such as 1Gi, 500Mi or 10 (Kubernetes ${version} schema)`);
  });
});
