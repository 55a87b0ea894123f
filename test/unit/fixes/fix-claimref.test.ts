// fix-claimref (seed 002 §6.4): each refusal and no-op in its exact words, and
// whole plans as the user confirms them, for the default (keep the name) and
// --full (clear the claimRef), with a live claim and each reclaim policy.
import { describe, expect, it } from 'vitest';
import { planClaimRefFix } from '../../../src/fixes/fix-claimref.js';
import type { PlannedChange, Refusal } from '../../../src/fixes/plan.js';
import type { Claim, Volume } from '../../../src/kube/types.js';

const pv = (spec: Partial<NonNullable<Volume['spec']>>, phase: string | null = 'Released'): Volume => ({
  metadata: { name: 'pv-1', uid: 'pv-uid', resourceVersion: '8' },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/x' }, ...spec },
  ...(phase ? { status: { phase } } : {}),
});
const ref = (name: string, uid?: string, resourceVersion?: string) => ({
  namespace: 'shop',
  name,
  ...(uid ? { uid } : {}),
  ...(resourceVersion ? { resourceVersion } : {}),
});
const live = (name: string, uid: string, phase?: string): Claim => ({ metadata: { name, namespace: 'shop', uid }, ...(phase ? { status: { phase } } : {}) });
const target = { kind: 'PersistentVolume', name: 'pv-1' };
const opts = { full: false, force: false };
const shown = (r: PlannedChange | Refusal) => {
  const { before: _b, after: _a, ...rest } = r as PlannedChange;
  return rest;
};

describe('planClaimRefFix has nothing to do', () => {
  it('for a PV without a claimRef', () => {
    expect(planClaimRefFix(pv({}), undefined, opts)).toEqual({ target, reasons: ['it has no claimRef: nothing to clear'], noop: true });
  });

  it('for a claimRef without a uid, unless --full', () => {
    expect(planClaimRefFix(pv({ claimRef: ref('scratch') }), undefined, opts)).toEqual({
      target,
      reasons: ['its claimRef (shop/scratch) has no uid: already pre-bound (--full clears it entirely)'],
      noop: true,
    });
    const full = planClaimRefFix(pv({ claimRef: ref('scratch') }), undefined, { full: true, force: false }) as PlannedChange;
    // no uid to test: the preconditions are the PV's own
    expect(full.steps[0]!.kind === 'patch' && full.steps[0]!.patch.map((op) => `${op.op} ${op.path}`)).toEqual([
      'test /metadata/uid',
      'test /metadata/resourceVersion',
      'remove /spec/claimRef',
    ]);
  });
});

describe('planClaimRefFix refuses', () => {
  it('a PV being deleted', () => {
    const volume = pv({ claimRef: ref('scratch', 'old') });
    volume.metadata!.deletionTimestamp = '2026-12-07T00:00:00Z';
    expect(planClaimRefFix(volume, undefined, { full: false, force: true })).toEqual({ target, reasons: ['it is being deleted'] });
  });

  it('a PV that is not Released, naming its phase (unknown without a status), unless --force', () => {
    expect(planClaimRefFix(pv({ claimRef: ref('scratch', 'old') }, 'Bound'), undefined, opts)).toEqual({
      target,
      reasons: ['it is Bound, not Released (--force to change it anyway)'],
    });
    expect(planClaimRefFix(pv({ claimRef: ref('scratch', 'old') }, null), undefined, opts)).toEqual({
      target,
      reasons: ['it is unknown, not Released (--force to change it anyway)'],
    });
    expect('steps' in planClaimRefFix(pv({ claimRef: ref('scratch', 'old') }, 'Bound'), undefined, { full: false, force: true })).toBe(true);
  });

  it('a claimRef whose uid is the live claim’s, saying the claim would be Lost; a claim re-created with another uid is fine', () => {
    const volume = pv({ claimRef: ref('scratch', 'c1') }, 'Bound');
    expect(planClaimRefFix(volume, live('scratch', 'c1'), { full: false, force: false })).toEqual({
      target,
      reasons: [
        'it is Bound, not Released (--force to change it anyway)',
        'its claimRef uid belongs to the live claim shop/scratch (unknown): clearing it would leave that claim Lost (ClaimMisbound)',
      ],
    });
    expect('steps' in planClaimRefFix(pv({ claimRef: ref('scratch', 'c1') }), live('scratch', 'c2', 'Pending'), opts)).toBe(true);
  });

  it('--full on an ordinal’s PV unless the statement names that very claim', () => {
    const volume = pv({ claimRef: ref('data-db-3', 'gone') });
    const r = planClaimRefFix(volume, undefined, { full: true, force: true, confirmAnyClaim: 'data-db-2' }) as Refusal;
    expect(r.reasons).toEqual([
      'it holds the data of claim shop/data-db-3, ordinal 3 of a StatefulSet\'s claims "data-db-<n>": --full lets any claim bind it, and a re-created set\'s claims would take these PVs in any order. Leave out --full to keep it for that ordinal, or state that any claim may take its data: --confirm-any-claim=data-db-3',
    ]);
    expect('steps' in planClaimRefFix(volume, undefined, { full: true, force: false, confirmAnyClaim: 'data-db-3' })).toBe(true);
  });
});

describe('planClaimRefFix plans', () => {
  it('by default: the uid and resourceVersion out behind a test of the uid, the ordinal recorded, a Delete policy warned of', () => {
    const volume = pv({ claimRef: ref('data-db-0', 'old', '77'), persistentVolumeReclaimPolicy: 'Delete' });
    const r = planClaimRefFix(volume, live('data-db-0', 'new', 'Pending'), opts) as PlannedChange;
    expect(r.after.spec?.claimRef).toEqual({ namespace: 'shop', name: 'data-db-0' });
    expect(r.after.metadata?.annotations).toEqual({ 'sts-storage.kubectl.io/held-claim': 'shop/data-db-0' });
    expect(volume.spec?.claimRef?.uid).toBe('old');
    expect(shown(r)).toMatchInlineSnapshot(`
      {
        "notes": [
          "claim shop/data-db-0 (Pending, uid new) will bind this PV on the binder's next sync",
        ],
        "owned": [
          "/spec/claimRef",
          "/metadata/annotations/sts-storage.kubectl.io~1held-claim",
        ],
        "permissions": [
          {
            "group": "",
            "resource": "persistentvolumes",
            "verb": "patch",
          },
        ],
        "steps": [
          {
            "description": "JSON patch with test preconditions",
            "kind": "patch",
            "patch": [
              {
                "op": "test",
                "path": "/metadata/uid",
                "value": "pv-uid",
              },
              {
                "op": "test",
                "path": "/metadata/resourceVersion",
                "value": "8",
              },
              {
                "op": "test",
                "path": "/spec/claimRef/uid",
                "value": "old",
              },
              {
                "op": "remove",
                "path": "/spec/claimRef/uid",
              },
              {
                "op": "remove",
                "path": "/spec/claimRef/resourceVersion",
              },
              {
                "op": "add",
                "path": "/metadata/annotations",
                "value": {
                  "sts-storage.kubectl.io/held-claim": "shop/data-db-0",
                },
              },
            ],
            "path": "/api/v1/persistentvolumes/pv-1",
          },
        ],
        "summary": "remove the stale uid from PV pv-1's claimRef (keep shop/data-db-0)",
        "target": {
          "kind": "PersistentVolume",
          "name": "pv-1",
          "resourceVersion": "8",
          "uid": "pv-uid",
        },
        "warnings": [
          "reclaim policy is Delete: if this PV is released again its data will be deleted; consider patching persistentVolumeReclaimPolicy to Retain",
        ],
      }
    `);
  });

  it('by default, with no claim and no resourceVersion on the claimRef: one removal, and the PV stays reserved', () => {
    const r = planClaimRefFix(pv({ claimRef: ref('scratch', 'old'), persistentVolumeReclaimPolicy: 'Retain' }), undefined, opts) as PlannedChange;
    const step = r.steps[0]!;
    expect(step.kind === 'patch' && step.patch.map((op) => `${op.op} ${op.path}`)).toEqual([
      'test /metadata/uid',
      'test /metadata/resourceVersion',
      'test /spec/claimRef/uid',
      'remove /spec/claimRef/uid',
    ]);
    expect(r.warnings).toEqual([]);
    expect(r.owned).toEqual(['/spec/claimRef']);
    expect(r.notes).toEqual(['the PV stays reserved for shop/scratch: a claim created with that name binds it']);
  });

  it('--full, forced past a live claim, on a Recycle PV: every warning', () => {
    const volume = pv({ claimRef: ref('scratch', 'c1'), persistentVolumeReclaimPolicy: 'Recycle' }, 'Bound');
    const r = planClaimRefFix(volume, live('scratch', 'c1', 'Bound'), { full: true, force: true }) as PlannedChange;
    expect(r.after.spec?.claimRef).toBeUndefined();
    expect(shown(r)).toMatchInlineSnapshot(`
      {
        "notes": [
          "the PV becomes Available for any matching claim",
        ],
        "owned": [
          "/spec/claimRef",
        ],
        "permissions": [
          {
            "group": "",
            "resource": "persistentvolumes",
            "verb": "patch",
          },
        ],
        "steps": [
          {
            "description": "JSON patch with test preconditions",
            "kind": "patch",
            "patch": [
              {
                "op": "test",
                "path": "/metadata/uid",
                "value": "pv-uid",
              },
              {
                "op": "test",
                "path": "/metadata/resourceVersion",
                "value": "8",
              },
              {
                "op": "test",
                "path": "/spec/claimRef/uid",
                "value": "c1",
              },
              {
                "op": "remove",
                "path": "/spec/claimRef",
              },
            ],
            "path": "/api/v1/persistentvolumes/pv-1",
          },
        ],
        "summary": "clear claimRef of PV pv-1",
        "target": {
          "kind": "PersistentVolume",
          "name": "pv-1",
          "resourceVersion": "8",
          "uid": "pv-uid",
        },
        "warnings": [
          "reclaim policy is Recycle: if this PV is released again its data will be scrubbed; consider patching persistentVolumeReclaimPolicy to Retain",
          "claimRef becomes null: ANY claim that matches (class, size, access modes, selector) can bind this PV and read its retained data",
          "--force: claim shop/scratch still holds this PV and will become Lost",
        ],
      }
    `);
  });
});
