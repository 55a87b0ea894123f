// Re-creating repairs on sets other people own, on the real control plane:
// every label, annotation, ownerReference and field manager survives a
// resize, a generate-template --apply and their undo (at replicas 0 too);
// sets whose owner would undo a re-create are refused with every
// resourceVersion unchanged. Argo CD, Flux and ECK cannot run here: their
// CRDs, objects, labels and annotations are written by the test exactly as
// those controllers write them.
import { describe, expect, it } from 'vitest';
import { audit, objectPath, runCli, skipReason, TEST_MANAGER, useSandbox, waitFor, type Cluster } from './helpers.js';
import { statefulSet } from './fixtures.js';
import { ensureCrd } from './owned-sets.js';
import { reserveVolumeFor } from './scenarios.js';
import type { KubeObject, StatefulSet } from '../../src/kube/types.js';
import type { ManagedFieldsEntry } from '../../src/kube/owner-marks.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const managers = (o: KubeObject) =>
  ((o.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields ?? []).filter((m) => !m.subresource).map((m) => `${m.manager} ${m.operation}`);
const ownerRefs = (o: KubeObject) => (o.metadata as { ownerReferences?: unknown[] }).ownerReferences;
const storageOf = (o: StatefulSet, template = 'data') =>
  o.spec!.volumeClaimTemplates!.find((t) => t.metadata?.name === template)?.spec?.resources?.requests?.['storage'];

/** A set as kubectl apply leaves it, with marks of other writers and a (non-controller) owner. */
async function markedSet(cluster: Cluster, ns: string, base: Record<string, any>, legacy = false): Promise<StatefulSet> {
  const owner = await cluster.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'release-record' }, data: { a: 'b' } }, ns);
  const applied = structuredClone(base);
  const object = {
    ...base,
    metadata: {
      ...base['metadata'],
      labels: { 'app.kubernetes.io/part-of': 'shop', team: 'storage' },
      annotations: { 'example.com/owner-note': 'keep me', [LAST_APPLIED]: JSON.stringify(applied) + '\n' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'release-record', uid: owner.metadata!.uid }],
    },
  };
  return legacy ? cluster.createLegacy(object as StatefulSet, ns) : cluster.create(object as StatefulSet, ns);
}

function expectSameMarks(after: StatefulSet, before: StatefulSet, storage: string, template = 'data', wantManagers = managers(before)) {
  expect(after.metadata!.uid).not.toBe(before.metadata!.uid);
  expect(after.metadata!.labels).toEqual(before.metadata!.labels);
  expect(ownerRefs(after)).toEqual(ownerRefs(before));
  const { [LAST_APPLIED]: applied, ...rest } = after.metadata!.annotations!;
  const { [LAST_APPLIED]: _old, ...restBefore } = before.metadata!.annotations!;
  expect(rest).toEqual(restBefore);
  // kubectl's copy of the applied object got the same change, so the next kubectl apply patches from it.
  expect(storageOf(JSON.parse(applied!) as StatefulSet, template)).toBe(storage);
  expect(managers(after)).toEqual(wantManagers);
}

describe.skipIf(!!skipReason)('re-creating a set keeps what its owners wrote', () => {
  const sandbox = useSandbox();

  it('resize at replicas 0 and its undo keep every label, annotation, ownerReference and manager (last-applied changed alike)', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('own-keep');
    const base = statefulSet('web', { replicas: 0, storageClassName: `own-${ns}` });
    const before = await markedSet(cluster, ns, base);
    expect(managers(before)).toEqual([`${TEST_MANAGER} Update`]);

    const resize = await runCli(['resize', 'web', '-n', ns, '--to', '2Gi', '--yes'], { env: sandbox.env() });
    // Before the re-create became one module, a set with no pods timed out waiting for an adoption that never comes.
    expect(resize.code, resize.stdout + resize.stderr).toBe(0);
    expect(resize.stdout).toContain('Owner: kubectl apply (last-applied-configuration)');
    expect(resize.stdout).toContain('then: statefulset web was written by kubectl apply: set template data to 2Gi in your manifest');
    const after = (await cluster.get<StatefulSet>('StatefulSet', 'web', ns))!;
    expect(storageOf(after)).toBe('2Gi');
    expectSameMarks(after, before, '2Gi');

    const backup = /Undo with: kubectl sts-storage undo (\S+)/.exec(resize.stdout)![1]!;
    const undo = await runCli(['undo', backup, '--yes'], { env: sandbox.env() });
    expect(undo.code, undo.stdout + undo.stderr).toBe(0);
    const back = (await cluster.get<StatefulSet>('StatefulSet', 'web', ns))!;
    expect(storageOf(back)).toBe('1Gi');
    expectSameMarks(back, before, '1Gi');
  });

  it('generate-template --apply keeps them too', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('own-gen');
    await reserveVolumeFor(cluster, ns, 'cache-web-0');
    const before = await markedSet(cluster, ns, statefulSet('web', { mount: 'cache', storageClassName: '' }), true);
    const result = await runCli(['generate-template', 'web', '-n', ns, '--apply', '--yes'], { env: sandbox.env() });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('then: add the volumeClaimTemplates "cache" to what kubectl apply (last-applied-configuration) renders');
    const after = (await cluster.get<StatefulSet>('StatefulSet', 'web', ns))!;
    expect(after.spec!.volumeClaimTemplates!.map((t) => t.metadata?.name)).toEqual(['data', 'cache']);
    // Since 1.34 the API server refuses such a set, so it was stored straight into etcd, with no managers to
    // hand back: then the fields are this tool's, under its own name. Up to 1.33 it was created normally.
    expectSameMarks(after, before, '1Gi', 'cache', managers(before).length > 0 ? managers(before) : ['kubectl-sts-storage Update']);
  });
});

describe.skipIf(!!skipReason)('a set whose owner would undo a re-create is refused, nothing written', () => {
  const sandbox = useSandbox();

  /** The set's and its owner's resourceVersions, once the StatefulSet controller has written the set's status. */
  const versions = async (cluster: Cluster, ns: string, owner: [string, string]) => {
    let set: StatefulSet | undefined;
    await waitFor('the StatefulSet controller to observe web', async () => {
      set = await cluster.get<StatefulSet>('StatefulSet', 'web', ns);
      return set?.status?.observedGeneration === set?.metadata?.generation;
    });
    return [set!.metadata!.resourceVersion, (await cluster.get<KubeObject>(owner[0], owner[1], ns))!.metadata!.resourceVersion];
  };

  it('an ECK Elasticsearch controls it: refused, naming the field ECK resizes from', async () => {
    const { cluster } = sandbox;
    await ensureCrd(cluster, 'elasticsearch.k8s.elastic.co', 'v1', 'Elasticsearch', 'elasticsearches');
    const ns = await cluster.namespace('own-eck');
    const es = await cluster.create(
      { apiVersion: 'elasticsearch.k8s.elastic.co/v1', kind: 'Elasticsearch', metadata: { name: 'logs' }, spec: { version: '8.15.0' } },
      ns,
    );
    // As ECK writes its sets: a controller reference to the Elasticsearch.
    const base = statefulSet('web', { replicas: 0, storageClassName: `own-${ns}` });
    await cluster.create(
      {
        ...base,
        metadata: {
          name: 'web',
          ownerReferences: [
            {
              apiVersion: 'elasticsearch.k8s.elastic.co/v1',
              kind: 'Elasticsearch',
              name: 'logs',
              uid: es.metadata!.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
      } as StatefulSet,
      ns,
    );
    const before = await versions(cluster, ns, ['Elasticsearch', 'logs']);
    const resize = await runCli(['resize', 'web', '-n', ns, '--to', '2Gi', '--yes'], { env: sandbox.env() });
    expect(resize.code).toBe(1);
    expect(resize.stdout.replace(/\n\s+/g, ' ')).toContain(
      `refused: StatefulSet ${ns}/web: statefulset web is controlled by Elasticsearch ${ns}/logs (ECK), which re-creates it from its own template: a resize here would be undone, and the controller may delete its pods doing so. change spec.nodeSets[].volumeClaimTemplates[].spec.resources.requests.storage of Elasticsearch ${ns}/logs to 2Gi: ECK then grows the claims and re-creates the set itself`,
    );
    expect(await versions(cluster, ns, ['Elasticsearch', 'logs'])).toEqual(before);
    const { report } = await audit(['-n', ns]);
    expect(report.findings.filter((f) => f.code === 'STS-020').map((f) => f.object.name)).toEqual(['web']);
  });

  it('an Argo CD Application with selfHeal syncs it: refused, or re-created with --despite-owner-sync', async () => {
    const { cluster } = sandbox;
    await ensureCrd(cluster, 'argoproj.io', 'v1alpha1', 'Application', 'applications');
    const ns = await cluster.namespace('own-argo');
    // As Argo CD 3.x writes them: the Application, and its tracking annotation on the set.
    await cluster.create(
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'shop-db' },
        spec: { project: 'default', syncPolicy: { automated: { prune: true, selfHeal: true } } },
      },
      ns,
    );
    const base = statefulSet('web', { replicas: 0, storageClassName: `own-${ns}` });
    await cluster.create(
      { ...base, metadata: { name: 'web', annotations: { 'argocd.argoproj.io/tracking-id': `shop-db:apps/StatefulSet:${ns}/web` } } } as StatefulSet,
      ns,
    );
    const before = await versions(cluster, ns, ['Application', 'shop-db']);
    const refused = await runCli(['resize', 'web', '-n', ns, '--to', '2Gi', '--yes'], { env: sandbox.env() });
    expect(refused.code).toBe(1);
    expect(refused.stdout.replace(/\n\s+/g, ' ')).toContain(
      'Argo CD Application shop-db self-heals: it re-creates the set from Git at the old size within seconds of the delete (disable auto-sync first: argocd app set shop-db --sync-policy none); pause it and run again, or pass --despite-owner-sync',
    );
    expect(await versions(cluster, ns, ['Application', 'shop-db'])).toEqual(before);

    const forced = await runCli(['resize', 'web', '-n', ns, '--to', '2Gi', '--yes', '--despite-owner-sync'], { env: sandbox.env() });
    expect(forced.code, forced.stdout + forced.stderr).toBe(0);
    expect(forced.stdout).toContain('then: Argo CD Application shop-db: set the size of template data to 2Gi in its source');
    expect(storageOf((await cluster.get<StatefulSet>('StatefulSet', 'web', ns))!)).toBe('2Gi');
  });

  it('a reconciling Flux Kustomization is refused; once suspended, the resize runs', async () => {
    const { cluster } = sandbox;
    await ensureCrd(cluster, 'kustomize.toolkit.fluxcd.io', 'v1', 'Kustomization', 'kustomizations');
    const ns = await cluster.namespace('own-flux');
    await cluster.create(
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'apps' },
        spec: { interval: '10m', path: './apps', prune: true },
      },
      ns,
    );
    const base = statefulSet('web', { replicas: 0, storageClassName: `own-${ns}` });
    // kustomize-controller's labels on what it applies.
    await cluster.create(
      {
        ...base,
        metadata: { name: 'web', labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': ns } },
      } as StatefulSet,
      ns,
    );
    const before = await versions(cluster, ns, ['Kustomization', 'apps']);
    const refused = await runCli(['resize', 'web', '-n', ns, '--to', '2Gi', '--yes'], { env: sandbox.env() });
    expect(refused.code).toBe(1);
    expect(refused.stdout.replace(/\n\s+/g, ' ')).toContain(`Flux Kustomization ${ns}/apps reconciles: it re-applies the old template at its next interval`);
    expect(await versions(cluster, ns, ['Kustomization', 'apps'])).toEqual(before);

    await cluster.client.request('PATCH', objectPath('Kustomization', 'apps', ns), {
      contentType: 'application/merge-patch+json',
      body: { spec: { suspend: true } },
    });
    const resized = await runCli(['resize', 'web', '-n', ns, '--to', '2Gi', '--yes'], { env: sandbox.env() });
    expect(resized.code, resized.stdout + resized.stderr).toBe(0);
    expect(resized.stdout).toContain(`Owner: Flux Kustomization ${ns}/apps (suspended)`);
    expect(resized.stdout).toContain(`flux resume kustomization apps -n ${ns}`);
  });
});
