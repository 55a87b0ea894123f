// protect at its edges, from exposures built by hand: each refusal and no-op,
// a PV two claims share, the retention policy half Retain, each kind of owner
// threat in the summary, the set's own reference left to the controller after
// --retention, and the warnings that say what is left exposed.
import { describe, expect, it } from 'vitest';
import type { ClaimExposure, OwnerThreat, SetExposure } from '../../../src/analysis/deletion-paths.js';
import type { PlannedChange } from '../../../src/fixes/plan.js';
import { planProtect } from '../../../src/fixes/protect.js';
import type { Claim, StatefulSet, Volume } from '../../../src/kube/types.js';

const sts = (over: Partial<NonNullable<StatefulSet['metadata']>> = {}): StatefulSet => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'shop', uid: 's1', generation: 2, resourceVersion: '9', ...over },
  spec: { selector: {}, serviceName: 'web', template: {} },
});
const volume = (name: string, policy?: string, deleting = false): Volume => ({
  metadata: { name, uid: `u-${name}`, resourceVersion: '4', ...(deleting ? { deletionTimestamp: '2026-12-07T00:00:00Z' } : {}) },
  spec: { ...(policy ? { persistentVolumeReclaimPolicy: policy } : {}) },
});
const claim = (name: string, ownerReferences: Array<{ uid: string; kind: string; name: string; controller?: boolean }> = []): Claim => ({
  metadata: {
    name,
    namespace: 'shop',
    uid: `u-${name}`,
    resourceVersion: '6',
    ...(ownerReferences.length ? { ownerReferences: ownerReferences.map((o) => ({ apiVersion: 'v1', ...o })) } : {}),
  },
});
const exposed = (c: Claim, v: Volume | undefined, ownerThreats: OwnerThreat[] = []): ClaimExposure => ({
  ordinal: 0,
  template: 'data',
  claim: c,
  volume: v,
  byScaleDown: false,
  bySetDeletion: false,
  ownerThreats,
  volumeDeletedWithClaim: false,
});
const exposure = (over: Partial<SetExposure> = {}): SetExposure => ({
  sts: sts(),
  whenScaled: 'Retain',
  whenDeleted: 'Retain',
  claims: [],
  deletingClasses: [],
  ...over,
});
const none = { retention: false, ownerReferences: false };
const setRef = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 's1' };
const podRef = { apiVersion: 'v1', kind: 'Pod', name: 'web-0', uid: 'p0' };
const staleRef = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 's0' };
const crRef = { apiVersion: 'example.com/v1', kind: 'Database', name: 'db', uid: 'cr', controller: true };
const otherRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'keeper', uid: 'cm' };

describe('protect: volumes', () => {
  it('a PV already Retain, or without a policy (Retain by default), is nothing to do; a PV being deleted is refused', () => {
    const plan = planProtect(
      exposure({
        claims: [
          exposed(claim('data-web-0'), volume('pv-0', 'Retain')),
          exposed(claim('data-web-1'), volume('pv-1')),
          exposed(claim('data-web-2'), volume('pv-2', 'Delete', true)),
        ],
      }),
      none,
      'protect web',
    );
    expect(plan.changes).toEqual([]);
    expect(plan.refusals).toEqual([
      { target: { kind: 'PersistentVolume', name: 'pv-0' }, reasons: ['reclaimPolicy is already Retain (claim data-web-0)'], noop: true },
      { target: { kind: 'PersistentVolume', name: 'pv-1' }, reasons: ['reclaimPolicy is already Retain (claim data-web-1)'], noop: true },
      { target: { kind: 'PersistentVolume', name: 'pv-2' }, reasons: ['it is being deleted'] },
    ]);
  });

  it('a PV two claims name is planned once; a claim without a PV is passed over', () => {
    const shared = volume('pv-shared', 'Delete');
    const plan = planProtect(
      exposure({ claims: [exposed(claim('data-web-0'), shared), exposed(claim('data-web-1'), shared), exposed(claim('data-web-2'), undefined)] }),
      none,
      'protect web',
    );
    expect(plan.changes.map((c) => c.summary)).toEqual(['set reclaimPolicy of PV pv-shared (claim data-web-0) from Delete to Retain']);
    expect(plan.refusals).toEqual([]);
  });
});

describe('protect: the retention policy', () => {
  it('is nothing to do only when both halves are Retain', () => {
    const both = planProtect(exposure(), { retention: true, ownerReferences: false }, 'protect web --retention');
    expect(both.refusals).toEqual([
      {
        target: { kind: 'StatefulSet', namespace: 'shop', name: 'web' },
        reasons: ['persistentVolumeClaimRetentionPolicy is already whenDeleted: Retain, whenScaled: Retain'],
        noop: true,
      },
    ]);
    for (const half of [{ whenScaled: 'Delete' as const }, { whenDeleted: 'Delete' as const }]) {
      const plan = planProtect(exposure(half), { retention: true, ownerReferences: false }, 'protect web --retention');
      expect(plan.changes).toHaveLength(1);
      expect(plan.changes[0]!.steps[0]).toMatchObject({
        path: '/apis/apps/v1/namespaces/shop/statefulsets/web',
        patch: [
          { op: 'test', path: '/metadata/uid', value: 's1' },
          { op: 'test', path: '/metadata/generation', value: 2 },
          { op: 'add', path: '/spec/persistentVolumeClaimRetentionPolicy', value: { whenDeleted: 'Retain', whenScaled: 'Retain' } },
        ],
      });
      expect(plan.changes[0]!.permissions).toEqual([{ verb: 'patch', group: 'apps', resource: 'statefulsets', namespace: 'shop' }]);
    }
  });

  it('of a set being deleted is refused', () => {
    const plan = planProtect(
      exposure({ sts: sts({ deletionTimestamp: '2026-12-07T00:00:00Z' }), whenDeleted: 'Delete' }),
      { retention: true, ownerReferences: false },
      'p',
    );
    expect(plan.refusals).toEqual([{ target: { kind: 'StatefulSet', namespace: 'shop', name: 'web' }, reasons: ['it is being deleted'] }]);
  });

  it('left as it is, is warned of when either half deletes claims, naming both', () => {
    expect(planProtect(exposure({ whenScaled: 'Delete' }), none, 'p').warnings).toEqual([
      'statefulset web still deletes claims (whenDeleted: Retain, whenScaled: Delete); --retention sets both to Retain',
    ]);
    expect(planProtect(exposure({ whenDeleted: 'Delete' }), none, 'p').warnings).toEqual([
      'statefulset web still deletes claims (whenDeleted: Delete, whenScaled: Retain); --retention sets both to Retain',
    ]);
    expect(planProtect(exposure(), none, 'p').warnings).toEqual([]);
  });
});

describe('protect: ownerReferences', () => {
  it('names each kind of threat, removes from the last index down behind a test of each uid, and keeps the rest', () => {
    const c = claim('data-web-0', [otherRef, setRef, podRef, staleRef]);
    const threats: OwnerThreat[] = [
      { kind: 'set-against-policy', owner: setRef },
      { kind: 'pod-in-range', owner: podRef },
      { kind: 'stale-set', owner: staleRef, liveUid: 's1' },
    ];
    const plan = planProtect(
      exposure({ claims: [exposed(c, undefined, threats)] }),
      { retention: false, ownerReferences: true },
      'protect web --owner-references',
    );
    const change = plan.changes[0] as PlannedChange;
    expect(change.summary).toBe(
      'remove ownerReferences of claim data-web-0: StatefulSet web (uid s1; whenDeleted is Retain); Pod web-0 (uid p0; its ordinal is in range); StatefulSet web (uid s0, a previous set of that name)',
    );
    expect(change.steps[0]).toMatchObject({
      path: '/api/v1/namespaces/shop/persistentvolumeclaims/data-web-0',
      patch: [
        { op: 'test', path: '/metadata/uid', value: 'u-data-web-0' },
        { op: 'test', path: '/metadata/resourceVersion', value: '6' },
        { op: 'test', path: '/metadata/ownerReferences/3/uid', value: 's0' },
        { op: 'remove', path: '/metadata/ownerReferences/3' },
        { op: 'test', path: '/metadata/ownerReferences/2/uid', value: 'p0' },
        { op: 'remove', path: '/metadata/ownerReferences/2' },
        { op: 'test', path: '/metadata/ownerReferences/1/uid', value: 's1' },
        { op: 'remove', path: '/metadata/ownerReferences/1' },
      ],
    });
    expect(change.after.metadata?.ownerReferences).toEqual([{ apiVersion: 'v1', ...otherRef }]);
    expect(change.permissions).toEqual([{ verb: 'patch', group: '', resource: 'persistentvolumeclaims', namespace: 'shop' }]);
    expect(change.warnings).toEqual([]);
    expect(change.notes).toEqual(['the garbage collector no longer deletes the claim when those owners go']);
    expect(change.owned).toEqual(['/metadata/ownerReferences']);
  });

  it('takes the field away when no reference is left, and warns of a controlling owner only', () => {
    const c = claim('data-web-0', [crRef, otherRef]);
    const plan = planProtect(
      exposure({ claims: [exposed(c, undefined, [{ kind: 'foreign', owners: [crRef, otherRef], controller: true }])] }),
      { retention: false, ownerReferences: true },
      'p',
    );
    const change = plan.changes[0] as PlannedChange;
    expect(change.summary).toBe('remove ownerReferences of claim data-web-0: Database db (uid cr, controller), ConfigMap keeper (uid cm)');
    expect(change.after.metadata).not.toHaveProperty('ownerReferences');
    expect(change.warnings).toEqual(['Database db (uid cr) controls this claim: the operator behind it may add the reference again; check its configuration']);
  });

  it("with --retention leaves the set's own reference to the controller, and says there is nothing else", () => {
    const c = claim('data-web-0', [setRef]);
    const plan = planProtect(
      exposure({ whenDeleted: 'Delete', claims: [exposed(c, undefined, [{ kind: 'set-against-policy', owner: setRef }])] }),
      { retention: true, ownerReferences: true },
      'p',
    );
    expect(plan.changes.map((x) => x.target.kind)).toEqual(['StatefulSet']);
    expect(plan.refusals).toEqual([
      {
        target: { kind: 'StatefulSet', namespace: 'shop', name: 'web' },
        reasons: ['--owner-references: no claim of this set has an ownerReference that would delete it'],
        noop: true,
      },
    ]);
  });

  it('left as they are, are warned of, in the singular and the plural', () => {
    const threat: OwnerThreat[] = [{ kind: 'pod-in-range', owner: podRef }];
    expect(planProtect(exposure({ claims: [exposed(claim('data-web-0'), undefined, threat)] }), none, 'p').warnings).toEqual([
      'data-web-0 has an ownerReference that can delete it; --owner-references removes them',
    ]);
    expect(
      planProtect(
        exposure({
          claims: [exposed(claim('data-web-0'), undefined, threat), exposed(claim('data-web-1'), undefined, threat), exposed(claim('data-web-2'), undefined)],
        }),
        none,
        'p',
      ).warnings,
    ).toEqual(['data-web-0, data-web-1 have ownerReferences that can delete them; --owner-references removes them']);
  });

  it('a class that provisions with Delete is a warning, not a step', () => {
    const plan = planProtect(exposure({ deletingClasses: [{ template: 'data', className: 'fast' }] as SetExposure['deletingClasses'] }), none, 'p');
    expect(plan.changes).toEqual([]);
    expect(plan.warnings).toEqual([
      'template data provisions from StorageClass fast with reclaimPolicy Delete, which cannot change: run protect again after a scale-up, or move the template to a class with reclaimPolicy: Retain',
    ]);
  });
});
