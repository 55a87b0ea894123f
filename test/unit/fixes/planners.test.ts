import { describe, expect, it } from 'vitest';
import { planClaimRefFix } from '../../../src/fixes/fix-claimref.js';
import { planPrebind } from '../../../src/fixes/prebind.js';
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

describe('planPrebind', () => {
  const req = {
    namespace: 'shop',
    name: 'data-db-0',
    className: '',
    accessModes: ['ReadWriteOnce'],
    request: 2 ** 30,
    volumeMode: 'Filesystem',
    volumeAttributesClassName: '',
  };
  const free = (over: Partial<NonNullable<Volume['spec']>> = {}): Volume => ({
    metadata: { name: 'pv-1', uid: 'u', resourceVersion: '5', annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/x' }, ...over },
    status: { phase: 'Available' },
  });

  it('sets a uid-less claimRef and drops bound-by-controller', () => {
    const plan = planPrebind({ volume: free(), requirements: req, force: false }) as PlannedChange;
    expect(plan.after.spec?.claimRef).toEqual({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-db-0' });
    expect(plan.after.metadata?.annotations).toEqual({});
    const step = plan.steps[0]!;
    expect(step.kind === 'patch' && step.patch.at(-1)).toEqual({ op: 'remove', path: '/metadata/annotations/pv.kubernetes.io~1bound-by-controller' });
  });

  it('refuses an incompatible pair with every reason', () => {
    const r = planPrebind({
      volume: free({ capacity: { storage: '500Mi' }, accessModes: ['ReadOnlyMany'], volumeMode: 'Block', storageClassName: 'fast' }),
      requirements: req,
      force: false,
    }) as Refusal;
    expect(r.reasons).toHaveLength(4);
  });

  it('refuses a PV bound to a live claim unless --force', () => {
    const volume = free({ claimRef: { namespace: 'other', name: 'x', uid: 'live' } });
    const current: Claim = { metadata: { name: 'x', namespace: 'other', uid: 'live' }, status: { phase: 'Bound' } };
    expect(isPlan(planPrebind({ volume, requirements: req, currentClaim: current, force: false }))).toBe(false);
    expect(isPlan(planPrebind({ volume, requirements: req, currentClaim: current, force: true }))).toBe(true);
  });

  it('refuses a PV whose node affinity no node satisfies', () => {
    const volume = free({
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['gone'] }] }] } },
    });
    const r = planPrebind({
      volume,
      requirements: req,
      nodes: [{ metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } } }],
      force: false,
    }) as Refusal;
    expect(r.reasons.join()).toMatch(/node affinity/);
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
    expect(plan.steps.map((s) => s.kind)).toEqual(['patch', 'release-claims', 'delete-orphan', 'create', 'wait-adoption']);
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
