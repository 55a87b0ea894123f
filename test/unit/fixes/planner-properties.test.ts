// Each planner on generated, schema-shaped objects (as the API server returns
// them: every object has a uid and a resourceVersion): it either declines
// with a reason, or yields changes whose every write is conditional on the
// object it was planned against, and whose object is backed up before it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planClaimRefFix } from '../../../src/fixes/fix-claimref.js';
import { planMountRename } from '../../../src/fixes/fix-mounts.js';
import { planRecoverExpansion } from '../../../src/fixes/recover-expansion.js';
import { planResize } from '../../../src/fixes/resize.js';
import { planRecreate } from '../../../src/fixes/recreate.js';
import { planResizeThroughOwner } from '../../../src/fixes/resize-through-owner.js';
import { recreateVerdict } from '../../../src/fixes/owner-policy.js';
import { ownerOf } from '../../../src/analysis/owner.js';
import { NO_OWNER_RECORDS } from '../../../src/snapshot/owners/owner-records.js';
import type { PlannedChange, Refusal } from '../../../src/fixes/plan.js';
import type { Claim, StatefulSet, StorageClass, Volume } from '../../../src/kube/types.js';

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const uid = fc.constantFrom('u1', 'u2', 'u3');
const rv = fc.integer({ min: 1, max: 999 }).map(String);
const size = fc.constantFrom('1Gi', '2Gi', '500Mi', '10G', '0');
const cls = maybe(fc.constantFrom('fast', 'slow', '', 'missing'));

const template = fc.record({
  metadata: fc.record({ name: fc.constantFrom('data', 'logs') }),
  spec: fc.record({ accessModes: fc.constant(['ReadWriteOnce']), storageClassName: cls, resources: fc.record({ requests: fc.record({ storage: size }) }) }),
});
const statefulSet = fc.record({
  apiVersion: fc.constant('apps/v1'),
  kind: fc.constant('StatefulSet'),
  metadata: fc.record({
    name: fc.constant('db'),
    namespace: fc.constant('shop'),
    uid,
    resourceVersion: rv,
    generation: fc.integer({ min: 1, max: 9 }),
    finalizers: maybe(fc.constant(['example.com/keep'])),
    deletionTimestamp: maybe(fc.constant('2026-01-01T00:00:00Z')),
    annotations: maybe(fc.constantFrom({ 'meta.helm.sh/release-name': 'r' }, { 'kubectl.kubernetes.io/last-applied-configuration': '{"spec":{}}' })),
    ownerReferences: maybe(fc.constant([{ apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', name: 'p', uid: 'cr', controller: true }])),
    managedFields: maybe(fc.constant([{ manager: 'helm', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:volumeClaimTemplates': {} } } }])),
  }),
  spec: fc.record({
    replicas: fc.integer({ min: 0, max: 3 }),
    persistentVolumeClaimRetentionPolicy: maybe(
      fc.record({ whenDeleted: fc.constantFrom('Retain', 'Delete'), whenScaled: fc.constantFrom('Retain', 'Delete') }),
    ),
    selector: fc.constant({ matchLabels: { app: 'db' } }),
    serviceName: fc.constant('db'),
    template: fc.record({
      metadata: fc.constant({ labels: { app: 'db' } }),
      spec: fc.record({
        containers: fc.constant([
          {
            name: 'c',
            image: 'i',
            volumeMounts: [
              { name: 'data', mountPath: '/d' },
              { name: 'cache', mountPath: '/c' },
            ],
          },
        ]),
      }),
    }),
    volumeClaimTemplates: fc.uniqueArray(template, { minLength: 1, maxLength: 2, selector: (t) => t.metadata.name }),
  }),
}) as fc.Arbitrary<StatefulSet>;
const claim = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('PersistentVolumeClaim'),
  metadata: fc.record({ name: fc.constantFrom('data-db-0', 'data-db-1', 'logs-db-0', 'other'), namespace: fc.constant('shop'), uid, resourceVersion: rv }),
  spec: fc.record({ accessModes: fc.constant(['ReadWriteOnce']), storageClassName: cls, resources: fc.record({ requests: fc.record({ storage: size }) }) }),
  status: fc.record({
    phase: fc.constantFrom('Bound', 'Pending', 'Lost'),
    capacity: maybe(fc.record({ storage: size })),
    allocatedResources: maybe(fc.record({ storage: size })),
  }),
}) as fc.Arbitrary<Claim>;
const storageClass = fc.record({
  metadata: fc.record({ name: fc.constantFrom('fast', 'slow', ''), uid, resourceVersion: rv }),
  provisioner: fc.constant('csi.example.com'),
  allowVolumeExpansion: maybe(fc.boolean()),
}) as fc.Arbitrary<StorageClass>;
const volume = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('PersistentVolume'),
  metadata: fc.record({ name: fc.constant('pv-a'), uid, resourceVersion: rv }),
  spec: fc.record({
    capacity: fc.record({ storage: size }),
    accessModes: fc.constant(['ReadWriteOnce']),
    claimRef: maybe(fc.record({ namespace: fc.constant('shop'), name: fc.constantFrom('data-db-0', 'x'), uid: maybe(uid), resourceVersion: maybe(rv) })),
  }),
  status: fc.record({ phase: fc.constantFrom('Released', 'Bound', 'Available', 'Failed') }),
}) as fc.Arbitrary<Volume>;

/** How many of each the properties judged: a property that only ever saw refusals would prove nothing. */
const seen = { changes: 0, refusals: 0 };

/** Every write is conditional; the object it is planned against is the one backed up. */
function expectSafe(result: PlannedChange | Refusal): void {
  if ('steps' in result) seen.changes++;
  else seen.refusals++;
  if (!('steps' in result)) {
    expect(result.reasons.length).toBeGreaterThan(0);
    for (const r of result.reasons) expect(r.trim()).not.toBe('');
    return;
  }
  expect(result.before.metadata?.uid).toBe(result.target.uid);
  expect(result.target.uid).toBeTruthy();
  let deleted = false;
  for (const step of result.steps) {
    switch (step.kind) {
      case 'patch': {
        const tests = step.patch.filter((op) => op.op === 'test');
        // The first operation pins the object by uid; a write to the target pins its version too.
        expect(step.patch[0]).toMatchObject({ op: 'test', path: '/metadata/uid' });
        expect((step.patch[0] as { value: unknown }).value).toBeTruthy();
        if (step.path.endsWith(`/${result.target.name}`) && (step.patch[0] as { value: unknown }).value === result.target.uid)
          expect(tests.some((t) => t.path === '/metadata/resourceVersion' || t.path === '/metadata/generation')).toBe(true);
        break;
      }
      case 'delete-orphan':
        expect(step.uid).toBe(result.target.uid);
        expect(step.generation).toBeGreaterThan(0);
        deleted = true;
        break;
      case 'create':
        // A create only replaces what this change deleted, conditionally.
        expect(deleted).toBe(true);
        break;
      default:
        break;
    }
  }
  if (result.replaces) expect(deleted).toBe(true);
}

const opts = { numRuns: 300, seed: 20261206 };

describe('planners on generated objects', () => {
  it('fix-claimref', () => {
    seen.changes = seen.refusals = 0;
    fc.assert(
      fc.property(volume, maybe(claim), fc.boolean(), fc.boolean(), (v, c, full, force) =>
        expectSafe(planClaimRefFix(v, c, { full, force, confirmAnyClaim: full ? 'data-db-0' : undefined })),
      ),
      opts,
    );
    expect(seen.changes).toBeGreaterThan(20);
    expect(seen.refusals).toBeGreaterThan(20);
  });

  it('recover-expansion', () => {
    seen.changes = seen.refusals = 0;
    fc.assert(
      fc.property(claim, size, (c, s) => expectSafe(planRecoverExpansion(c, s))),
      opts,
    );
    expect(seen.changes).toBeGreaterThan(20);
    expect(seen.refusals).toBeGreaterThan(20);
  });

  it('fix-mounts', () => {
    seen.changes = seen.refusals = 0;
    fc.assert(
      fc.property(statefulSet, fc.constantFrom<Array<[string, string]>>([['cache', 'data']], [['cache', 'logs']], []), (s, renames) =>
        expectSafe(planMountRename(s, renames)),
      ),
      opts,
    );
    expect(seen.changes).toBeGreaterThan(20);
    expect(seen.refusals).toBeGreaterThan(20);
  });

  it('the re-create, and resize with its owner verdict or through prometheus-operator', () => {
    seen.changes = seen.refusals = 0;
    fc.assert(
      fc.property(
        statefulSet,
        fc.array(claim, { maxLength: 4 }),
        fc.array(storageClass, { maxLength: 2 }),
        fc.constantFrom('1Gi', '2Gi', '20Gi'),
        fc.boolean(),
        (s, claims, classes, to, despite) => {
          expectSafe(planRecreate(s, () => {}, { summary: 's', createDescription: 'c', rollPods: [], notes: [], owned: [] }));
          const template = s.spec!.volumeClaimTemplates![0]!.metadata!.name!;
          const owner = ownerOf(s, {
            ...NO_OWNER_RECORDS,
            controllers: [
              {
                apiVersion: 'monitoring.coreos.com/v1',
                kind: 'Prometheus',
                resource: 'prometheuses',
                metadata: { name: 'p', namespace: 'shop', uid: 'cr', generation: 2, resourceVersion: '5' },
                spec: { storage: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '1Gi' } } } } } },
              },
            ],
          });
          const input = { sts: s, template, size: to, claims, classes, quotas: [], limitRanges: [] };
          const plan =
            owner.type === 'operator' && owner.resource
              ? planResizeThroughOwner(input, owner as never, 'resize')
              : planResize(
                  { ...input, owner: recreateVerdict(owner, 'db', [{ template, size: to }], { despiteOwnerSync: despite, what: 'a resize' }) },
                  'resize',
                );
          for (const c of plan.changes) expectSafe(c);
          for (const r of plan.refusals) expectSafe(r);
          // All or nothing: a refused part leaves no change planned.
          if (plan.refusals.some((r) => !r.noop)) expect(plan.changes).toEqual([]);
        },
      ),
      opts,
    );
    expect(seen.changes).toBeGreaterThan(20);
    expect(seen.refusals).toBeGreaterThan(20);
  });
});
