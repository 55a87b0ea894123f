import { describe, expect, it } from 'vitest';
import { planClaimRefFix } from '../../../src/fixes/fix-claimref.js';
import { planVolumeRestore, volumesByClaimRef } from '../../../src/fixes/restore.js';
import { planMountRename, proposeRenames } from '../../../src/fixes/fix-mounts.js';
import { generateTemplates, planTemplateApply, podsNeedingRestart, cleanManifest } from '../../../src/fixes/generate-template.js';
import { renderPlan } from '../../../src/output/plan.js';
import { makePaint } from '../../../src/output/colors.js';
import type { Claim, StatefulSet, Volume } from '../../../src/kube/types.js';
import type { PlannedChange, Refusal } from '../../../src/fixes/plan.js';

const released = (over: Partial<NonNullable<Volume['spec']>> = {}, phase = 'Released'): Volume => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'pv-shiqi-redis', uid: 'pv-uid', resourceVersion: '100' },
  spec: {
    capacity: { storage: '64Mi' },
    accessModes: ['ReadWriteMany'],
    persistentVolumeReclaimPolicy: 'Retain',
    hostPath: { path: '/x' },
    claimRef: { namespace: 'shiqi', name: 'pvc-shiqi-redis', uid: 'old-uid', resourceVersion: '2611437' },
    ...over,
  },
  status: { phase },
});
const liveClaim = (uid: string, phase = 'Pending'): Claim => ({
  metadata: { name: 'pvc-shiqi-redis', namespace: 'shiqi', uid },
  spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '64Mi' } } },
  status: { phase },
});
const isPlan = (r: PlannedChange | Refusal): r is PlannedChange => 'steps' in r;

describe('planClaimRefFix', () => {
  it('removes uid and resourceVersion behind test preconditions, keeping namespace/name', () => {
    const r = planClaimRefFix(released(), liveClaim('new-uid'), { full: false, force: false });
    expect(isPlan(r)).toBe(true);
    const plan = r as PlannedChange;
    const step = plan.steps[0]!;
    expect(step.kind === 'patch' && step.patch).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'pv-uid' },
      { op: 'test', path: '/metadata/resourceVersion', value: '100' },
      { op: 'test', path: '/spec/claimRef/uid', value: 'old-uid' },
      { op: 'remove', path: '/spec/claimRef/uid' },
      { op: 'remove', path: '/spec/claimRef/resourceVersion' },
    ]);
    expect(plan.after.spec?.claimRef).toEqual({ namespace: 'shiqi', name: 'pvc-shiqi-redis' });
    expect(plan.permissions).toEqual([{ verb: 'patch', group: '', resource: 'persistentvolumes' }]);
  });

  it('--full removes the claimRef and warns that any claim may take the data', () => {
    const plan = planClaimRefFix(released(), undefined, { full: true, force: false }) as PlannedChange;
    expect(plan.after.spec?.claimRef).toBeUndefined();
    expect(plan.warnings.join()).toMatch(/ANY claim/);
  });

  describe("a PV that held a StatefulSet ordinal's data (issue #25)", () => {
    const ordinalPv = () => released({ claimRef: { namespace: 'vfy1', name: 'data-web-1', uid: 'gone' } });

    it('--full is refused unless the statement names that ordinal’s claim, and nothing is planned', () => {
      for (const confirmAnyClaim of [undefined, 'data-web-0', 'web-1']) {
        const r = planClaimRefFix(ordinalPv(), undefined, { full: true, force: false, confirmAnyClaim }) as Refusal;
        expect(isPlan(r)).toBe(false);
        expect(r.reasons).toEqual([
          'it holds the data of claim vfy1/data-web-1, ordinal 1 of a StatefulSet\'s claims "data-web-<n>": --full lets any claim bind it, and a re-created set\'s claims would take these PVs in any order. Leave out --full to keep it for that ordinal, or state that any claim may take its data: --confirm-any-claim=data-web-1',
        ]);
      }
      // --force is about live claims and phases; it does not speak for the data.
      expect(isPlan(planClaimRefFix(ordinalPv(), undefined, { full: true, force: true }))).toBe(false);
      const stated = planClaimRefFix(ordinalPv(), undefined, { full: true, force: false, confirmAnyClaim: 'data-web-1' }) as PlannedChange;
      expect(stated.after.spec?.claimRef).toBeUndefined();
    });

    it('records whose data it holds on the PV, with or without --full, and undo owns the annotation', () => {
      for (const full of [false, true]) {
        const plan = planClaimRefFix(ordinalPv(), undefined, { full, force: false, confirmAnyClaim: full ? 'data-web-1' : undefined }) as PlannedChange;
        const step = plan.steps[0]!;
        expect(step.kind === 'patch' && step.patch.at(-1)).toEqual({
          op: 'add',
          path: '/metadata/annotations',
          value: { 'sts-storage.kubectl.io/held-claim': 'vfy1/data-web-1' },
        });
        expect(plan.after.metadata?.annotations).toEqual({ 'sts-storage.kubectl.io/held-claim': 'vfy1/data-web-1' });
        expect(plan.owned).toEqual(['/spec/claimRef', '/metadata/annotations/sts-storage.kubectl.io~1held-claim']);
      }
    });

    it('a claim name that is no ordinal is neither refused nor annotated', () => {
      const plan = planClaimRefFix(released(), undefined, { full: true, force: false }) as PlannedChange;
      expect(plan.owned).toEqual(['/spec/claimRef']);
      expect(plan.after.metadata?.annotations).toBeUndefined();
    });
  });

  it("refuses a PV whose claimRef uid is the live claim's, unless --force", () => {
    const r = planClaimRefFix(released({}, 'Bound'), liveClaim('old-uid', 'Bound'), { full: false, force: false });
    expect(isPlan(r)).toBe(false);
    expect((r as Refusal).reasons).toEqual([
      expect.stringMatching(/Bound, not Released/),
      expect.stringMatching(/live claim shiqi\/pvc-shiqi-redis .*ClaimMisbound/),
    ]);
    const forced = planClaimRefFix(released({}, 'Bound'), liveClaim('old-uid', 'Bound'), { full: false, force: true }) as PlannedChange;
    expect(forced.warnings.join()).toMatch(/will become Lost/);
  });

  it('reports an already repaired PV as nothing to do, not as an error', () => {
    const r = planClaimRefFix(released({ claimRef: { namespace: 'shiqi', name: 'pvc-shiqi-redis' } }, 'Available'), undefined, {
      full: false,
      force: false,
    }) as Refusal;
    expect(r.noop).toBe(true);
  });

  it('warns about a Delete reclaim policy', () => {
    const plan = planClaimRefFix(released({ persistentVolumeReclaimPolicy: 'Delete' }), undefined, { full: false, force: false }) as PlannedChange;
    expect(plan.warnings.join()).toMatch(/reclaim policy is Delete/);
  });
});

const seed000 = (): StatefulSet => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'mysql', namespace: 'shop', uid: 'sts-uid', resourceVersion: '7', managedFields: [{ manager: 'kubectl' }] },
  spec: {
    selector: { matchLabels: { app: 'mysql' } },
    serviceName: 'mysql',
    template: {
      metadata: { labels: { app: 'mysql' } },
      spec: { containers: [{ name: 'mysql', image: 'mysql:8', volumeMounts: [{ name: 'mysql-data', mountPath: '/var/lib/mysql' }] }] },
    },
    volumeClaimTemplates: [{ metadata: { name: 'pvc-mysql-data-xxx' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } } }],
  },
  status: { replicas: 0, availableReplicas: 0 },
});

describe('fix-mounts planning', () => {
  it('proposes the closest unmounted template for seed 000', () => {
    expect(proposeRenames(seed000())).toEqual([['mysql-data', 'pvc-mysql-data-xxx']]);
  });

  it('renames every mount of that name behind a test of its current value', () => {
    const plan = planMountRename(seed000(), [['mysql-data', 'pvc-mysql-data-xxx']]) as PlannedChange;
    const step = plan.steps[0]!;
    expect(step.kind === 'patch' && step.patch.slice(2)).toEqual([
      { op: 'test', path: '/spec/template/spec/containers/0/volumeMounts/0/name', value: 'mysql-data' },
      { op: 'replace', path: '/spec/template/spec/containers/0/volumeMounts/0/name', value: 'pvc-mysql-data-xxx' },
    ]);
  });

  it('refuses a target that is not a template or volume, and an unknown mount', () => {
    const r = planMountRename(seed000(), [['nope', 'elsewhere']]) as Refusal;
    expect(r.reasons).toEqual(['no container mounts "nope"', expect.stringContaining('"elsewhere" is neither a volumeClaimTemplate nor a pod volume')]);
  });
});

describe('generate-template planning', () => {
  it('takes values from existing ordinal claims and says so', () => {
    const claims: Claim[] = [
      {
        metadata: { name: 'mysql-data-mysql-0', namespace: 'shop' },
        spec: { storageClassName: 'fast', accessModes: ['ReadWriteMany'], resources: { requests: { storage: '20Gi' } } },
      },
    ];
    const [g] = generateTemplates(seed000(), claims, [], {});
    expect(g!.template).toEqual({
      metadata: { name: 'mysql-data' },
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '20Gi' } }, storageClassName: 'fast' },
    });
    expect(g!.provenance).toEqual([
      'size 20Gi: from existing claim mysql-data-mysql-0',
      'accessModes [ReadWriteMany]: from existing claim mysql-data-mysql-0',
      'storageClassName "fast": from existing claim mysql-data-mysql-0',
    ]);
  });

  it('falls back to PVs that follow the naming pattern, then to documented defaults', () => {
    const volumes: Volume[] = [
      {
        metadata: { name: 'old-pv' },
        spec: {
          capacity: { storage: '8Gi' },
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'slow',
          claimRef: { namespace: 'shop', name: 'mysql-data-mysql-2' },
        },
      },
    ];
    expect(generateTemplates(seed000(), [], volumes, {})[0]!.provenance[0]).toBe('size 8Gi: from PV old-pv (claimRef mysql-data-mysql-2)');
    const [d] = generateTemplates(seed000(), [], [], {});
    expect(d!.provenance).toEqual([
      'size 1Gi: default',
      'accessModes [ReadWriteOnce]: default',
      "storageClassName: unset, so the cluster's default StorageClass applies (default)",
    ]);
  });

  it('plans retention Retain, orphaning delete, create, adoption; strips server fields', () => {
    const sts = seed000();
    sts.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' };
    const plan = planTemplateApply({ sts, generated: generateTemplates(sts, [], [], {}), rollPods: [] }) as PlannedChange;
    expect(plan.steps.map((s) => s.kind)).toEqual(['patch', 'release-claims', 'delete-orphan', 'create', 'hand-back-fields', 'wait-adoption']);
    const create = plan.steps.find((s) => s.kind === 'create')!;
    if (create.kind !== 'create') throw new Error('expected create');
    expect(create.body.metadata).toEqual({ name: 'mysql', namespace: 'shop' });
    expect((create.body as StatefulSet).spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted).toBe('Delete');
    expect((create.body as StatefulSet).status).toBeUndefined();
    expect(plan.permissions.map((p) => `${p.verb} ${p.resource}`)).toEqual([
      'get statefulsets',
      'delete statefulsets',
      'create statefulsets',
      'patch statefulsets',
      'patch statefulsets',
      'list persistentvolumeclaims',
      'patch persistentvolumeclaims',
    ]);
  });

  it('orders pods to roll highest ordinal first and strips managedFields', () => {
    expect(podsNeedingRestart(seed000(), ['mysql-0', 'mysql-10', 'mysql-2', 'other-1'])).toEqual(['mysql-10', 'mysql-2', 'mysql-0']);
    expect(cleanManifest(seed000()).metadata).toEqual({ name: 'mysql', namespace: 'shop' });
  });
});

describe('plan rendering', () => {
  it('shows the change as a field diff with warnings and notes', () => {
    const plan = planClaimRefFix(released({ persistentVolumeReclaimPolicy: 'Delete' }), liveClaim('new-uid'), { full: false, force: false }) as PlannedChange;
    expect(
      renderPlan(
        {
          command: 'fix-claimref',
          changes: [plan],
          refusals: [{ target: { kind: 'PersistentVolume', name: 'pv-b' }, reasons: ['it is Bound, not Released'] }],
        },
        makePaint(false),
      ),
    ).toMatchInlineSnapshot(`
      "Plan: 1 object(s) to change
      PersistentVolume pv-shiqi-redis (uid pv-uid, resourceVersion 100): remove the stale uid from PV pv-shiqi-redis's claimRef (keep shiqi/pvc-shiqi-redis)
          - spec.claimRef.resourceVersion: "2611437"
          - spec.claimRef.uid: "old-uid"
          step: JSON patch with test preconditions
          warning: reclaim policy is Delete: if this PV is released again its data will be deleted; consider patching persistentVolumeReclaimPolicy to Retain
          note: claim shiqi/pvc-shiqi-redis (Pending, uid new-uid) will bind this PV on the binder's next sync
      refused: PersistentVolume pv-b: it is Bound, not Released
      "
    `);
  });
});

describe('plan diffs', () => {
  it('show what a repair changes, not the fields the server fills in', async () => {
    const { diffObjects } = await import('../../../src/output/plan.js');
    const before = {
      metadata: { name: 'db', uid: 'u1', resourceVersion: '7', generation: 3, creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { replicas: 1 },
      status: { replicas: 1 },
    };
    const after = { metadata: { name: 'db' }, spec: { replicas: 2 } };
    expect(diffObjects(before, after)).toEqual(['- spec.replicas: 1', '+ spec.replicas: 2']);
  });
});

describe('planVolumeRestore', () => {
  const template = { metadata: { name: 'data' }, spec: { storageClassName: '', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
  const target = { namespace: 'new', name: 'web', start: 0, replicas: 3, templates: new Map([['data', template]]) };
  const released = (name: string, claim: string, over: Partial<NonNullable<Volume['spec']>> = {}): Volume => ({
    metadata: { name, uid: `u-${name}`, resourceVersion: '3' },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      storageClassName: '',
      persistentVolumeReclaimPolicy: 'Retain',
      hostPath: { path: '/x' },
      claimRef: { namespace: 'old', name: claim, uid: `old-${claim}`, resourceVersion: '1' },
      ...over,
    },
    status: { phase: 'Released' },
  });
  const input = (sources: Array<{ volume: Volume; ordinal: number }>) => ({
    target,
    sources: sources.map((s) => ({ ...s, template: 'data' })),
    claims: new Map(),
    currentClaims: new Map(),
    classes: [],
  });

  it('maps each PV to its ordinal claim, drops the stale uid, switches Delete to Retain, and names the ordinal left without data', () => {
    const plan = planVolumeRestore(
      input([
        { volume: released('pv-a', 'data-web-0'), ordinal: 0 },
        { volume: released('pv-b', 'data-web-1', { persistentVolumeReclaimPolicy: 'Delete' }), ordinal: 1 },
      ]),
      'restore web -n new --from-namespace old',
    );
    expect(plan.refusals).toEqual([]);
    expect(plan.changes.map((c) => c.summary)).toEqual([
      'ordinal 0: reserve PV pv-a for claim new/data-web-0 (was old/data-web-0, uid old-data-web-0)',
      'ordinal 1: reserve PV pv-b for claim new/data-web-1 (was old/data-web-1, uid old-data-web-1), reclaimPolicy Delete -> Retain',
    ]);
    expect(plan.changes.map((c) => c.after.spec?.claimRef)).toEqual([
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'new', name: 'data-web-0' },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'new', name: 'data-web-1' },
    ]);
    expect(plan.changes[1]!.after.spec?.persistentVolumeReclaimPolicy).toBe('Retain');
    expect(plan.warnings).toEqual(['ordinal 2 (claim data-web-2) has no PV to restore: the StatefulSet creates a new, empty claim for it']);
  });

  it('refuses everything, before any write, when one ordinal has two PVs or a PV does not fit the future claim', () => {
    const twice = planVolumeRestore(
      input([
        { volume: released('pv-a', 'data-web-0'), ordinal: 0 },
        { volume: released('pv-x', 'data-web-0'), ordinal: 0 },
        { volume: released('pv-b', 'data-web-1'), ordinal: 1 },
      ]),
      'restore',
    );
    expect(twice.changes).toEqual([]);
    expect(twice.refusals.map((r) => `${r.target.name}: ${r.reasons.join('; ')}`)).toEqual([
      'pv-a: PVs pv-a and pv-x both hold ordinal 0 (claim data-web-0): name the one to restore with --volumes',
      'pv-x: PVs pv-a and pv-x both hold ordinal 0 (claim data-web-0): name the one to restore with --volumes',
    ]);
    expect(twice.warnings).toContain(
      'nothing is changed while any PV is refused (1 other PV(s) could be restored): fix each problem, or leave the PV out with --volumes',
    );
    const misfit = planVolumeRestore(
      input([
        { volume: released('pv-a', 'data-web-0', { capacity: { storage: '500Mi' }, volumeMode: 'Block', volumeAttributesClassName: 'gold' }), ordinal: 0 },
        { volume: released('pv-b', 'data-web-1', { accessModes: ['ReadOnlyMany'], storageClassName: 'fast' }), ordinal: 1 },
      ]),
      'restore',
    );
    expect(misfit.changes).toEqual([]);
    expect(misfit.refusals.map((r) => r.reasons)).toEqual([
      [
        'capacity 500Mi is smaller than the request 1Gi',
        "volumeMode Block differs from the claim's Filesystem",
        'volumeAttributesClassName "gold" differs from the claim\'s ""',
      ],
      ['access modes [ReadOnlyMany] lack ReadWriteOnce', 'storageClassName "fast" differs from the claim\'s ""'],
    ]);
  });

  it('refuses a PV bound to a live claim', () => {
    const volume = released('pv-a', 'data-web-0');
    volume.status = { phase: 'Bound' };
    const live: Claim = { metadata: { name: 'data-web-0', namespace: 'old', uid: 'old-data-web-0' }, status: { phase: 'Bound' } };
    const plan = planVolumeRestore({ ...input([{ volume, ordinal: 0 }]), currentClaims: new Map([['pv-a', live]]) }, 'restore');
    expect(plan.refusals[0]!.reasons).toEqual(['it is bound to the live claim old/data-web-0']);
  });

  it('says when an ordinal is beyond the replicas, and finds PVs by their claimRef', () => {
    const volumes = [released('pv-a', 'data-web-0'), released('pv-d', 'data-web-4'), released('pv-o', 'logs-web-0'), released('pv-z', 'data-webapp-0')];
    const sources = volumesByClaimRef(volumes, 'old', 'web', ['data']);
    expect(sources.map((s) => `${s.volume.metadata?.name}:${s.template}/${s.ordinal}`)).toEqual(['pv-a:data/0', 'pv-d:data/4']);
    const plan = planVolumeRestore({ ...input([]), sources }, 'restore');
    expect(plan.warnings).toContain('ordinal 4 is beyond replicas 3: claim data-web-4 binds PV pv-d on a scale-up to 5');
  });
});
