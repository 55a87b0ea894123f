// prebind: each refusal at its edge (the claim it is for, the claim it holds,
// the binder's own checks, the node affinity), and whole plans as the user
// confirms them.
import { describe, expect, it } from 'vitest';
import { binderChecks, planPrebind, type PrebindInput } from '../../../src/fixes/prebind.js';
import type { PlannedChange, Refusal } from '../../../src/fixes/plan.js';
import type { Claim, Volume } from '../../../src/kube/types.js';

const target = { namespace: 'shop', name: 'data-db-0' };
const req = {
  namespace: 'shop',
  name: 'data-db-0',
  className: '',
  accessModes: ['ReadWriteOnce'],
  request: 2 ** 30,
  volumeMode: 'Filesystem',
  volumeAttributesClassName: '',
};
const pv = (spec: Partial<NonNullable<Volume['spec']>> = {}, annotations?: Record<string, string>): Volume => ({
  metadata: { name: 'pv-1', uid: 'pv-uid', resourceVersion: '5', ...(annotations ? { annotations } : {}) },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/x' }, ...spec },
  status: { phase: 'Available' },
});
const claim = (name: string, uid: string, phase: string, volumeName?: string, namespace = 'shop'): Claim => ({
  metadata: { name, namespace, uid },
  spec: volumeName ? { volumeName } : {},
  status: { phase },
});
const plan = (input: Partial<PrebindInput> & { volume: Volume }) => planPrebind({ target, requirements: req, force: false, ...input });
const refusal = (...reasons: string[]): Refusal => ({ target: { kind: 'PersistentVolume', name: 'pv-1' }, reasons });
const isPlan = (r: PlannedChange | Refusal): r is PlannedChange => 'steps' in r;

describe('planPrebind refuses', () => {
  it('a PV being deleted, first', () => {
    const volume = pv();
    volume.metadata!.deletionTimestamp = '2026-12-07T00:00:00Z';
    expect(plan({ volume })).toEqual(refusal('it is being deleted'));
  });

  it('a claim already Bound to another PV, naming that PV', () => {
    expect(plan({ volume: pv(), claim: claim('data-db-0', 'c1', 'Bound', 'pv-9') })).toEqual(refusal('claim shop/data-db-0 is already Bound to PV pv-9'));
  });

  it('but not a claim Bound to this PV, nor a Pending claim naming another', () => {
    expect(isPlan(plan({ volume: pv(), claim: claim('data-db-0', 'c1', 'Bound', 'pv-1') }))).toBe(true);
    expect(isPlan(plan({ volume: pv(), claim: claim('data-db-0', 'c1', 'Pending', 'pv-9') }))).toBe(true);
  });

  it('a PV reserved or bound to another live claim, offering --force unless the command has none', () => {
    const reserved = pv({ claimRef: { namespace: 'other', name: 'x' } });
    const live = claim('x', 'x-uid', 'Pending', undefined, 'other');
    expect(plan({ volume: reserved, currentClaim: live })).toEqual(refusal('it is reserved to the live claim other/x (--force to take it)'));
    const bound = pv({ claimRef: { namespace: 'other', name: 'x', uid: 'x-uid' } });
    expect(plan({ volume: bound, currentClaim: live, forceable: false })).toEqual(refusal('it is bound to the live claim other/x'));
  });

  it('a claim of the same namespace and another name counts as another claim; so does one of the same name elsewhere', () => {
    for (const claimRef of [
      { namespace: 'shop', name: 'data-db-1' },
      { namespace: 'other', name: 'data-db-0' },
    ]) {
      const r = plan({ volume: pv({ claimRef }), currentClaim: claim(claimRef.name, 'x', 'Pending', undefined, claimRef.namespace) }) as Refusal;
      expect(r.reasons).toEqual([`it is reserved to the live claim ${claimRef.namespace}/${claimRef.name} (--force to take it)`]);
    }
  });

  it('not a claimRef whose claim is gone, or was re-created with another uid', () => {
    const volume = pv({ claimRef: { namespace: 'other', name: 'x', uid: 'old' } });
    expect(isPlan(plan({ volume }))).toBe(true);
    expect(isPlan(plan({ volume, currentClaim: claim('x', 'new', 'Pending', undefined, 'other') }))).toBe(true);
  });

  it("every one of the binder's checks that fails, with the node affinity last", () => {
    const volume = pv({
      capacity: { storage: '500Mi' },
      accessModes: ['ReadOnlyMany'],
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['gone'] }] }] } },
    });
    const r = plan({ volume, nodes: [{ metadata: { name: 'n1', labels: { zone: 'a' } } }] }) as Refusal;
    expect(r.reasons.at(-1)).toBe('its node affinity matches no existing node, so no consumer could be scheduled');
    expect(r.reasons).toHaveLength(3);
  });

  it('no node affinity refusal when a node matches, when the PV has none, or when the nodes are not known', () => {
    const affinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } };
    const nodes = [{ metadata: { name: 'n0', labels: { zone: 'b' } } }, { metadata: { name: 'n1', labels: { zone: 'a' } } }];
    expect(isPlan(plan({ volume: pv({ nodeAffinity: affinity }), nodes }))).toBe(true);
    expect(isPlan(plan({ volume: pv(), nodes: [] }))).toBe(true);
    expect(isPlan(plan({ volume: pv({ nodeAffinity: affinity }) }))).toBe(true);
  });
});

describe('planPrebind has nothing to do', () => {
  it('for a PV already reserved (no uid) for that claim', () => {
    expect(plan({ volume: pv({ claimRef: { namespace: 'shop', name: 'data-db-0' } }) })).toEqual({
      ...refusal('it is already reserved for shop/data-db-0'),
      noop: true,
    });
  });

  it('unless the reclaim policy is to become Retain', () => {
    const r = plan({ volume: pv({ claimRef: { namespace: 'shop', name: 'data-db-0' }, persistentVolumeReclaimPolicy: 'Delete' }), retain: true });
    expect(isPlan(r)).toBe(true);
  });

  it('for a PV bound to that very claim; a claimRef with the same uid but another name is not that', () => {
    const c = claim('data-db-0', 'c1', 'Bound', 'pv-1');
    expect(plan({ volume: pv({ claimRef: { namespace: 'shop', name: 'data-db-0', uid: 'c1' } }), claim: c })).toEqual({
      ...refusal('it is already bound to claim shop/data-db-0'),
      noop: true,
    });
    for (const claimRef of [
      { namespace: 'shop', name: 'data-db-1', uid: 'c1' },
      { namespace: 'elsewhere', name: 'data-db-0', uid: 'c1' },
    ]) {
      const r = plan({ volume: pv({ claimRef }), claim: claim('data-db-0', 'c1', 'Pending') });
      expect('noop' in r && r.noop).toBeFalsy();
    }
  });
});

describe('planPrebind plans', () => {
  it('over a stale claimRef of the same name: the claim there now is another (its uid differs), so this is no no-op', () => {
    const volume = pv({ claimRef: { namespace: 'shop', name: 'data-db-0', uid: 'old' } }, undefined);
    const r = plan({ volume, claim: claim('data-db-0', 'new', 'Pending'), currentClaim: claim('data-db-0', 'new', 'Pending') });
    expect('steps' in r && r.summary).toBe('reserve PV pv-1 for claim shop/data-db-0 (was shop/data-db-0, uid old)');
  });

  it('the whole change for a PV taken by force from a live claim, with its policy switched and the binder mark removed', () => {
    const volume = pv(
      { persistentVolumeReclaimPolicy: 'Delete', claimRef: { namespace: 'old', name: 'data', uid: 'old-uid', resourceVersion: '77' } },
      { 'pv.kubernetes.io/bound-by-controller': 'yes', keep: 'me' },
    );
    const r = plan({
      volume,
      currentClaim: claim('data', 'old-uid', 'Bound', 'pv-1', 'old'),
      claim: claim('data-db-0', 'c2', 'Pending'),
      force: true,
      retain: true,
    });
    const { before, after, ...shown } = r as PlannedChange;
    expect(before).toBe(volume);
    expect(after).toEqual({
      metadata: { name: 'pv-1', uid: 'pv-uid', resourceVersion: '5', annotations: { keep: 'me', 'sts-storage.kubectl.io/held-claim': 'shop/data-db-0' } },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        hostPath: { path: '/x' },
        persistentVolumeReclaimPolicy: 'Retain',
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-db-0' },
      },
      status: { phase: 'Available' },
    });
    expect(shown).toMatchInlineSnapshot(`
      {
        "notes": [
          "claim shop/data-db-0 (Pending) binds it on the binder's next sync",
          "reclaimPolicy Delete becomes Retain first, so the data outlives a deleted claim again",
        ],
        "owned": [
          "/spec/claimRef",
          "/metadata/annotations/pv.kubernetes.io~1bound-by-controller",
          "/metadata/annotations/sts-storage.kubectl.io~1held-claim",
          "/spec/persistentVolumeReclaimPolicy",
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
                "value": "5",
              },
              {
                "op": "test",
                "path": "/spec/claimRef/uid",
                "value": "old-uid",
              },
              {
                "op": "add",
                "path": "/spec/claimRef",
                "value": {
                  "apiVersion": "v1",
                  "kind": "PersistentVolumeClaim",
                  "name": "data-db-0",
                  "namespace": "shop",
                },
              },
              {
                "op": "replace",
                "path": "/spec/persistentVolumeReclaimPolicy",
                "value": "Retain",
              },
              {
                "op": "remove",
                "path": "/metadata/annotations/pv.kubernetes.io~1bound-by-controller",
              },
              {
                "op": "add",
                "path": "/metadata/annotations/sts-storage.kubectl.io~1held-claim",
                "value": "shop/data-db-0",
              },
            ],
            "path": "/api/v1/persistentvolumes/pv-1",
          },
        ],
        "summary": "reserve PV pv-1 for claim shop/data-db-0 (was old/data, uid old-uid), reclaimPolicy Delete -> Retain",
        "target": {
          "kind": "PersistentVolume",
          "name": "pv-1",
          "resourceVersion": "5",
          "uid": "pv-uid",
        },
        "warnings": [
          "--force: the PV was bound to old/data (uid old-uid); that claim will become Lost if it still exists",
        ],
      }
    `);
  });

  it('for a claim not yet created and of no StatefulSet, no held-claim mark, and what the binder will check', () => {
    const r = planPrebind({
      volume: pv({ volumeAttributesClassName: 'gold', storageClassName: 'local' }),
      target: { namespace: 'shop', name: 'scratch' },
      force: false,
    });
    const { before: _b, after, ...shown } = r as PlannedChange;
    expect(after.metadata).toEqual({ name: 'pv-1', uid: 'pv-uid', resourceVersion: '5' });
    expect(shown).toMatchInlineSnapshot(`
      {
        "notes": [
          "claim shop/scratch does not exist yet: it binds this PV when it is created",
        ],
        "owned": [
          "/spec/claimRef",
          "/metadata/annotations/pv.kubernetes.io~1bound-by-controller",
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
                "value": "5",
              },
              {
                "op": "add",
                "path": "/spec/claimRef",
                "value": {
                  "apiVersion": "v1",
                  "kind": "PersistentVolumeClaim",
                  "name": "scratch",
                  "namespace": "shop",
                },
              },
            ],
            "path": "/api/v1/persistentvolumes/pv-1",
          },
        ],
        "summary": "reserve PV pv-1 for claim shop/scratch",
        "target": {
          "kind": "PersistentVolume",
          "name": "pv-1",
          "resourceVersion": "5",
          "uid": "pv-uid",
        },
        "warnings": [
          "what claim shop/scratch will ask for is not known (no live StatefulSet, no -f, no --size): the binder binds it only with its request at most 1Gi, access modes among ReadWriteOnce, volumeMode Filesystem, volumeAttributesClassName "gold", storageClassName "local"; otherwise it stays Pending",
        ],
      }
    `);
  });
});

describe('planPrebind, from the first tests', () => {
  const free = (over: Partial<NonNullable<Volume['spec']>> = {}): Volume => ({
    metadata: { name: 'pv-1', uid: 'u', resourceVersion: '5', annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/x' }, ...over },
    status: { phase: 'Available' },
  });

  it('sets a uid-less claimRef and drops bound-by-controller', () => {
    const plan = planPrebind({ volume: free(), target, requirements: req, force: false }) as PlannedChange;
    expect(plan.after.spec?.claimRef).toEqual({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-db-0' });
    // The ordinal whose data it holds now is recorded (PV-012 reads it); undo owns it.
    expect(plan.after.metadata?.annotations).toEqual({ 'sts-storage.kubectl.io/held-claim': 'shop/data-db-0' });
    const step = plan.steps[0]!;
    expect(step.kind === 'patch' && step.patch.slice(-2)).toEqual([
      { op: 'remove', path: '/metadata/annotations/pv.kubernetes.io~1bound-by-controller' },
      { op: 'add', path: '/metadata/annotations/sts-storage.kubectl.io~1held-claim', value: 'shop/data-db-0' },
    ]);
    expect(plan.owned).toContain('/metadata/annotations/sts-storage.kubectl.io~1held-claim');
  });

  it('refuses an incompatible pair with every reason', () => {
    const r = planPrebind({
      volume: free({ capacity: { storage: '500Mi' }, accessModes: ['ReadOnlyMany'], volumeMode: 'Block', storageClassName: 'fast' }),
      target,
      requirements: req,
      force: false,
    }) as Refusal;
    expect(r.reasons).toHaveLength(4);
  });

  it('refuses a PV bound to a live claim unless --force', () => {
    const volume = free({ claimRef: { namespace: 'other', name: 'x', uid: 'live' } });
    const current: Claim = { metadata: { name: 'x', namespace: 'other', uid: 'live' }, status: { phase: 'Bound' } };
    expect(isPlan(planPrebind({ volume, target, requirements: req, currentClaim: current, force: false }))).toBe(false);
    expect(isPlan(planPrebind({ volume, target, requirements: req, currentClaim: current, force: true }))).toBe(true);
  });

  it("lists the binder's checks when nothing says what the claim will ask for", () => {
    const plan = planPrebind({ volume: free(), target, force: false }) as PlannedChange;
    expect(plan.warnings).toEqual([
      'what claim shop/data-db-0 will ask for is not known (no live StatefulSet, no -f, no --size): the binder binds it only with its request at most 1Gi, access modes among ReadWriteOnce, volumeMode Filesystem, volumeAttributesClassName "", storageClassName ""; otherwise it stays Pending',
    ]);
  });

  it('replaces a stale claimRef (testing its uid) and switches Delete to Retain when asked', () => {
    const volume = free({ persistentVolumeReclaimPolicy: 'Delete', claimRef: { namespace: 'old', name: 'data-db-0', uid: 'gone', resourceVersion: '9' } });
    const plan = planPrebind({ volume, target, requirements: req, retain: true, force: false }) as PlannedChange;
    const step = plan.steps[0]!;
    expect(step.kind === 'patch' && step.patch.slice(2)).toEqual([
      { op: 'test', path: '/spec/claimRef/uid', value: 'gone' },
      { op: 'add', path: '/spec/claimRef', value: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-db-0' } },
      { op: 'replace', path: '/spec/persistentVolumeReclaimPolicy', value: 'Retain' },
      { op: 'remove', path: '/metadata/annotations/pv.kubernetes.io~1bound-by-controller' },
      { op: 'add', path: '/metadata/annotations/sts-storage.kubectl.io~1held-claim', value: 'shop/data-db-0' },
    ]);
    expect(plan.owned).toContain('/spec/persistentVolumeReclaimPolicy');
    expect(plan.summary).toBe('reserve PV pv-1 for claim shop/data-db-0 (was old/data-db-0, uid gone), reclaimPolicy Delete -> Retain');
  });

  it('leaves a PV bound to that very claim alone (removing the uid would make the claim Lost)', () => {
    const volume = free({ claimRef: { namespace: 'shop', name: 'data-db-0', uid: 'c1' } });
    const claim: Claim = { metadata: { name: 'data-db-0', namespace: 'shop', uid: 'c1' }, spec: { volumeName: 'pv-1' }, status: { phase: 'Bound' } };
    const r = planPrebind({ volume, target, requirements: req, claim, force: false }) as Refusal;
    expect(r).toEqual({ target: { kind: 'PersistentVolume', name: 'pv-1' }, reasons: ['it is already bound to claim shop/data-db-0'], noop: true });
  });

  it('refuses a PV whose node affinity no node satisfies', () => {
    const volume = free({
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['gone'] }] }] } },
    });
    const r = planPrebind({
      volume,
      target,
      requirements: req,
      nodes: [{ metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } } }],
      force: false,
    }) as Refusal;
    expect(r.reasons.join()).toMatch(/node affinity/);
  });
});

describe('binderChecks', () => {
  it('says "(none)" for a PV without access modes, and its defaults', () => {
    expect(binderChecks({ metadata: { name: 'x' }, spec: { capacity: { storage: '1500Mi' } } })).toBe(
      'its request at most 1500Mi, access modes among (none), volumeMode Filesystem, volumeAttributesClassName "", storageClassName ""',
    );
  });
});
