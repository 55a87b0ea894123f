// What a repair does about a set's owner, and the steps it prints for the
// owner: the exact words, since users follow them as written. (The same
// paths run on the control plane in test/integration/owners*.test.ts; here
// each branch is pinned, so a mutant of the safety logic is noticed.)
import { describe, expect, it } from 'vitest';
import { DESPITE_OWNER_FLAG, patchVerdict, recreateVerdict, withOwner } from '../../../src/fixes/owner-policy.js';
import { describeSizeKey, ownerNextSteps, stepLine, templateDifferences } from '../../../src/analysis/owner-steps.js';
import type { Owner } from '../../../src/analysis/owner.js';
import { knownOperator } from '../../../src/analysis/operators.js';
import type { Plan, PlannedChange } from '../../../src/fixes/plan.js';

const CHANGE = [{ template: 'data', size: '2Gi' }];
const SET = { kind: 'StatefulSet', namespace: 'shop', name: 'db' };
const release = {
  release: 'r',
  namespace: 'shop',
  storedIn: 'shop',
  revision: 2,
  status: 'deployed',
  chart: { name: 'db', version: '0.1.0' },
  statefulSets: [],
};
const rendered = (key: { key: string; certain: true } | { candidates: string[]; certain: false }) => ({
  name: 'db',
  namespace: 'shop',
  source: 'db/templates/sts.yaml',
  volumeClaimTemplates: [],
  sizeKeys: { data: key },
});

const helm: Owner = { type: 'helm', release: 'r', namespace: 'shop', record: release, rendered: rendered({ key: 'persistence.size', certain: true }) };
const eck: Owner = {
  type: 'operator',
  ref: { apiVersion: 'elasticsearch.k8s.elastic.co/v1', kind: 'Elasticsearch', name: 'logs', namespace: 'shop', uid: 'u' },
  operator: knownOperator('elasticsearch.k8s.elastic.co/v1', 'Elasticsearch'),
};
const mongo: Owner = {
  type: 'operator',
  ref: { apiVersion: 'mongodbcommunity.mongodb.com/v1', kind: 'MongoDBCommunity', name: 'm', namespace: 'shop', uid: 'u' },
  operator: knownOperator('mongodbcommunity.mongodb.com/v1', 'MongoDBCommunity'),
};
const unknownOperator: Owner = { type: 'operator', ref: { apiVersion: 'example.com/v1', kind: 'Thing', name: 't', namespace: 'shop', uid: 'u' } };
const argo = (selfHeal: boolean): Owner => ({
  type: 'argocd',
  app: 'shop-db',
  via: 'tracking-id',
  application: { name: 'shop-db', namespace: 'argocd', automated: true, selfHeal },
});
const flux = (suspended: boolean, force = false): Owner => ({
  type: 'flux',
  kind: 'Kustomization',
  name: 'apps',
  namespace: 'flux-system',
  force,
  object: { kind: 'Kustomization', name: 'apps', namespace: 'flux-system', suspended, force, driftCorrection: false },
});

describe('recreateVerdict', () => {
  const opts = { despiteOwnerSync: false, what: 'a resize' };

  it('says nothing about a set nobody owns', () => {
    expect(recreateVerdict({ type: 'none' }, 'db', CHANGE, opts)).toEqual({ refusals: [], nextSteps: [], warnings: [] });
  });

  it("refuses an operator's set, naming the field and who resizes", () => {
    expect(recreateVerdict(eck, 'db', CHANGE, opts)).toEqual({
      owner: 'Elasticsearch shop/logs (ECK)',
      refusals: [
        'statefulset db is controlled by Elasticsearch shop/logs (ECK), which re-creates it from its own template: a resize here would be undone, and the controller may delete its pods doing so. change spec.nodeSets[].volumeClaimTemplates[].spec.resources.requests.storage of Elasticsearch shop/logs to 2Gi: ECK then grows the claims and re-creates the set itself',
      ],
      nextSteps: [],
      warnings: [],
    });
    // An operator that does not resize by itself: the field, and no promise.
    expect(recreateVerdict(mongo, 'db', CHANGE, opts).refusals[0]).toMatch(
      /change spec\.statefulSet\.spec\.volumeClaimTemplates\[\]\.spec\.resources\.requests\.storage of MongoDBCommunity shop\/m to 2Gi$/,
    );
    // No size to name (adding templates): where to make the change instead.
    expect(recreateVerdict(unknownOperator, 'db', [], { despiteOwnerSync: false, what: 'adding claim templates' }).refusals).toEqual([
      'statefulset db is controlled by Thing shop/t, which re-creates it from its own template: adding claim templates here would be undone, and the controller may delete its pods doing so. make the change in Thing shop/t instead',
    ]);
  });

  it('refuses an owner that would put the old template back, unless told; then warns', () => {
    const refused = recreateVerdict(argo(true), 'db', CHANGE, opts);
    expect(refused.refusals).toEqual([
      `Argo CD Application shop-db self-heals: it re-creates the set from Git at the old size within seconds of the delete (disable auto-sync first: argocd app set shop-db --sync-policy none); pause it and run again, or pass ${DESPITE_OWNER_FLAG} to re-create the set anyway (the controller may put the old template back)`,
    ]);
    const forced = recreateVerdict(argo(true), 'db', CHANGE, { ...opts, despiteOwnerSync: true });
    expect(forced.refusals).toEqual([]);
    expect(forced.warnings).toEqual([`${DESPITE_OWNER_FLAG}: ${refused.refusals[0]!.slice(0, refused.refusals[0]!.indexOf('; pause it'))}`]);
    expect(forced.nextSteps.map(stepLine)).toEqual([
      'Argo CD Application shop-db: set the size of template data to 2Gi in its source (Git or spec.source.helm values); until then it shows OutOfSync and a sync is refused',
    ]);
  });

  it('lets a paused owner through, with its next step; warns about Flux force', () => {
    const suspended = recreateVerdict(flux(true, true), 'db', CHANGE, opts);
    expect(suspended.refusals).toEqual([]);
    expect(suspended.owner).toBe('Flux Kustomization flux-system/apps (suspended)');
    expect(suspended.warnings).toEqual([
      'Flux force is enabled on its owner: a later refused apply deletes the set with background propagation, every pod included',
    ]);
    expect(suspended.nextSteps).toEqual([
      {
        text: 'Flux Kustomization flux-system/apps: set template data to 2Gi in the manifest in Git, then resume it (do not enable force)',
        command: 'flux resume kustomization apps -n flux-system',
      },
    ]);
    expect(recreateVerdict(flux(true), 'db', CHANGE, opts).warnings).toEqual([]);
    expect(recreateVerdict(flux(false), 'db', CHANGE, opts).refusals).toHaveLength(1);
  });

  it("gives a Helm release's upgrade command, and no steps when nothing changes size", () => {
    expect(recreateVerdict(helm, 'db', CHANGE, opts)).toEqual({
      owner: 'Helm release r in shop (chart db 0.1.0, revision 2)',
      refusals: [],
      warnings: [],
      nextSteps: [
        {
          text: 'upgrade the release with the new size (chart db 0.1.0; the release does not record where it came from), or its next upgrade is refused',
          command: 'helm upgrade r <chart> -n shop --reuse-values --set persistence.size=2Gi',
        },
      ],
    });
    expect(recreateVerdict(helm, 'db', [], opts).nextSteps).toEqual([]);
    // A release that a suspended Flux HelmRelease installs with force: the same warning as a forced Kustomization.
    const viaFlux: Owner = {
      ...helm,
      flux: {
        name: 'db',
        namespace: 'flux-system',
        object: { kind: 'HelmRelease', name: 'db', namespace: 'flux-system', suspended: true, force: true, driftCorrection: false },
      },
    } as Owner;
    expect(recreateVerdict(viaFlux, 'db', CHANGE, opts).warnings).toEqual([
      'Flux force is enabled on its owner: a later refused apply deletes the set with background propagation, every pod included',
    ]);
  });
});

describe('patchVerdict', () => {
  it('names the owner and warns, never refuses', () => {
    expect(patchVerdict({ type: 'none' }, 'x')).toEqual({ refusals: [], nextSteps: [], warnings: [] });
    expect(patchVerdict(argo(true), "the pod template's volumeMounts")).toEqual({
      refusals: [],
      owner: 'Argo CD Application shop-db (auto-sync with selfHeal)',
      nextSteps: [],
      warnings: [
        "the pod template's volumeMounts is also written by Argo CD Application shop-db (auto-sync with selfHeal): change it there too, or its next sync may put the old value back",
      ],
    });
  });
});

describe('withOwner', () => {
  const change = { target: { kind: 'StatefulSet', name: 'db', uid: 'u', resourceVersion: '1' } } as PlannedChange;
  const plan = (): Plan => ({ command: 'resize', changes: [change], refusals: [], warnings: ['w'], nextSteps: [{ text: 'first' }] });

  it('adds the owner, warnings and steps after what the plan had', () => {
    const p = withOwner(plan(), { owner: 'o', refusals: [], warnings: ['x'], nextSteps: [{ text: 'then' }] }, SET);
    expect(p).toMatchObject({ owner: 'o', warnings: ['w', 'x'], nextSteps: [{ text: 'first' }, { text: 'then' }], changes: [change], refusals: [] });
  });

  it('leaves a plan alone for an empty verdict', () => {
    expect(withOwner(plan(), { refusals: [], warnings: [], nextSteps: [] }, SET)).toStrictEqual(plan());
  });

  it('a refusal drops every change and refuses the set', () => {
    const p = withOwner(plan(), { refusals: ['no'], warnings: [], nextSteps: [] }, SET);
    expect(p.changes).toEqual([]);
    expect(p.refusals).toEqual([{ target: SET, reasons: ['no'] }]);
  });
});

describe('ownerNextSteps and the helpers behind STS-019', () => {
  it('lists candidate keys as such, and a Flux HelmRelease drives the release', () => {
    const unsure: Owner = { ...helm, rendered: rendered({ candidates: ['a.size', 'b.size'], certain: false }) };
    expect(ownerNextSteps(unsure, 'db', CHANGE)).toEqual([
      {
        text: "template data of statefulset db: the values key could not be read from the chart's template; candidates holding the rendered size: a.size, b.size; set it to 2Gi in the release's values",
      },
    ]);
    const viaFlux: Owner = { ...helm, flux: { name: 'r', namespace: 'flux' } };
    expect(ownerNextSteps(viaFlux, 'db', CHANGE)).toEqual([
      { text: 'Helm release r is driven by Flux HelmRelease flux/r: set persistence.size: 2Gi in its spec.values (in Git), then resume or reconcile it' },
    ]);
    expect(ownerNextSteps({ type: 'kubectl' }, 'db', CHANGE)).toEqual([
      { text: 'statefulset db was written by kubectl apply: set template data to 2Gi in your manifest, or the next kubectl apply of it is refused' },
    ]);
    expect(ownerNextSteps({ type: 'none' }, 'db', CHANGE)).toEqual([]);
  });

  it('describes a key: certain, candidates, none, unknown', () => {
    expect(describeSizeKey({ key: 'k', certain: true })).toBe('values key k');
    expect(describeSizeKey({ candidates: [], certain: false })).toBe(
      "the values key could not be read from the chart's template, and no value holds the rendered size",
    );
    expect(describeSizeKey(undefined)).toBe('the values key is unknown (the release does not render this template)');
  });

  it('compares templates as the server stores them', () => {
    const t = (name: string, spec: Record<string, unknown>) => ({ metadata: { name }, spec });
    expect(
      templateDifferences(
        [t('data', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } }, volumeMode: 'Filesystem' }), t('wal', {})],
        [t('data', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2048Mi' } } }), t('logs', {})],
      ),
    ).toEqual([
      { template: 'wal', field: 'present', live: 'yes', owner: 'no' },
      { template: 'logs', field: 'present', live: 'no', owner: 'yes' },
    ]);
    expect(
      templateDifferences(
        [t('data', { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', volumeMode: 'Block', resources: { requests: { storage: '1Gi' } } })],
        [t('data', { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '2Gi' } } })],
      ),
    ).toEqual([
      { template: 'data', field: 'storage', live: '1Gi', owner: '2Gi' },
      { template: 'data', field: 'accessModes', live: '[ReadWriteOnce]', owner: '[ReadWriteMany]' },
      { template: 'data', field: 'storageClassName', live: '"fast"', owner: '""' },
      { template: 'data', field: 'volumeMode', live: 'Block', owner: 'Filesystem' },
    ]);
  });
});
