// resize of a prometheus-operator set, as a plan: the Prometheus paused and
// resized first, then the claims, then the set orphan-deleted, the resource
// un-paused and the operator's re-create awaited. The operator itself runs in
// test/integration/owners-operator.test.ts; here every step, precondition and
// refusal is pinned.
import { describe, expect, it } from 'vitest';
import { planResizeThroughOwner, resizesThroughOwner } from '../../../src/fixes/resize-through-owner.js';
import { ownerOf } from '../../../src/analysis/owner.js';
import { NO_OWNER_RECORDS, type ControllerResource } from '../../../src/snapshot/owners/owner-records.js';
import type { Claim, StatefulSet, StorageClass } from '../../../src/kube/types.js';

const STORAGE = '/spec/storage/volumeClaimTemplate/spec/resources/requests/storage';
const URL = '/apis/monitoring.coreos.com/v1/namespaces/mon/prometheuses/p';

function prometheus(
  spec: Record<string, unknown> = { storage: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '1Gi' } } } } } },
): ControllerResource {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'Prometheus',
    resource: 'prometheuses',
    metadata: { name: 'p', namespace: 'mon', uid: 'cr', generation: 4, resourceVersion: '77' },
    spec,
  };
}
const set: StatefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: {
    name: 'prometheus-p',
    namespace: 'mon',
    uid: 'set-1',
    resourceVersion: '50',
    generation: 2,
    ownerReferences: [{ apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', name: 'p', uid: 'cr', controller: true }],
  },
  spec: {
    selector: { matchLabels: { app: 'p' } },
    serviceName: 'p',
    template: {},
    volumeClaimTemplates: [{ metadata: { name: 'prometheus-p-db' }, spec: { storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } } }],
  },
};
const claim: Claim = {
  metadata: { name: 'prometheus-p-db-prometheus-p-0', namespace: 'mon', uid: 'c0', resourceVersion: '60' },
  spec: { storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } },
  status: { phase: 'Bound', capacity: { storage: '1Gi' } },
};
const classes: StorageClass[] = [{ metadata: { name: 'fast' }, provisioner: 'csi.example.com', allowVolumeExpansion: true }];

function plan(resource = prometheus(), claims = [claim]) {
  const owner = ownerOf(set, { ...NO_OWNER_RECORDS, controllers: [resource] });
  if (!resizesThroughOwner(owner)) throw new Error('expected an owner with a procedure');
  return planResizeThroughOwner({ sts: set, template: 'prometheus-p-db', size: '2Gi', claims, classes, quotas: [], limitRanges: [] }, owner, 'resize');
}

describe('resize through prometheus-operator', () => {
  it('only for a known procedure with its resource read', () => {
    expect(resizesThroughOwner(ownerOf(set, NO_OWNER_RECORDS))).toBe(false);
    expect(resizesThroughOwner({ type: 'none' })).toBe(false);
    const known = ownerOf(set, { ...NO_OWNER_RECORDS, controllers: [prometheus()] });
    expect(resizesThroughOwner(known)).toBe(true);
    // an operator this tool knows no procedure for, its resource read
    expect(resizesThroughOwner({ ...known, operator: undefined } as typeof known)).toBe(false);
    // its resource not read (forbidden, or gone)
    expect(resizesThroughOwner({ ...known, resource: undefined } as typeof known)).toBe(false);
  });

  it('pauses and resizes the resource, grows the claims, then orphan-deletes, un-pauses and waits for the operator', () => {
    const p = plan();
    expect(p.refusals).toEqual([]);
    expect(p.atomic).toBe(true);
    expect(p.owner).toBe('Prometheus mon/p (prometheus-operator)');
    expect(p.changes.map((c) => `${c.target.kind} ${c.target.name}`)).toEqual([
      'Prometheus p',
      'PersistentVolumeClaim prometheus-p-db-prometheus-p-0',
      'StatefulSet prometheus-p',
    ]);
    const [resource, , setChange] = p.changes;
    expect(resource!.summary).toBe('pause Prometheus mon/p and set spec.storage.volumeClaimTemplate.spec.resources.requests.storage to 2Gi (was 1Gi)');
    expect(resource!.steps).toEqual([
      {
        kind: 'patch',
        path: URL,
        patch: [
          { op: 'test', path: '/metadata/uid', value: 'cr' },
          { op: 'test', path: '/metadata/generation', value: 4 },
          { op: 'add', path: '/spec/paused', value: true },
          { op: 'replace', path: STORAGE, value: '2Gi' },
        ],
        description: 'JSON patch: spec.paused true (the operator stops reconciling), then the new size',
      },
    ]);
    expect(resource!.owned).toEqual([STORAGE, '/spec/paused']);
    expect(resource!.objectUrl).toBe(URL);
    expect(resource!.rbac).toEqual({ group: 'monitoring.coreos.com', resource: 'prometheuses' });
    expect(resource!.permissions).toEqual([{ verb: 'patch', group: 'monitoring.coreos.com', resource: 'prometheuses', namespace: 'mon' }]);
    expect((resource!.after as ControllerResource).spec).toEqual({
      paused: true,
      storage: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '2Gi' } } } } },
    });

    expect(resource!.target).toEqual({ kind: 'Prometheus', namespace: 'mon', name: 'p', uid: 'cr', resourceVersion: '77' });
    expect(resource!.notes).toEqual([
      'prometheus-operator does not grow claims itself: its documented procedure is pause, resize the claims, orphan-delete the set, un-pause',
    ]);
    expect(setChange!.target).toEqual({ kind: 'StatefulSet', namespace: 'mon', name: 'prometheus-p', uid: 'set-1', resourceVersion: '50' });
    expect(setChange!.summary).toBe(
      'orphan-delete statefulset prometheus-p and let prometheus-operator create it again at 2Gi (template prometheus-p-db was 1Gi)',
    );
    expect(setChange!.notes).toEqual(['pods and claims stay (same uids); the operator writes the new set, so it stays owned by its resource']);
    expect(setChange!.owned).toEqual([]);
    expect(setChange!.warnings).toEqual([]);
    expect(resource!.warnings).toEqual([]);
    // What the plan shows as the set's change: the template at the new size.
    expect((setChange!.after as StatefulSet).spec?.volumeClaimTemplates).toEqual([
      { metadata: { name: 'prometheus-p-db' }, spec: { storageClassName: 'fast', resources: { requests: { storage: '2Gi' } } } },
    ]);
    expect(set.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.['storage']).toBe('1Gi');
    expect(setChange!.steps.map((s) => s.kind)).toEqual(['delete-orphan', 'patch', 'wait-recreated']);
    expect(setChange!.steps[0]!.description).toBe(
      'delete with propagationPolicy: Orphan, only if uid and spec generation are still as planned (pods and claims stay)',
    );
    expect(setChange!.steps[1]!.description).toBe('un-pause Prometheus mon/p: the operator creates the set again from it');
    expect(setChange!.steps[0]).toMatchObject({ uid: 'set-1', generation: 2, path: '/apis/apps/v1/namespaces/mon/statefulsets/prometheus-p' });
    expect(setChange!.steps[1]).toMatchObject({
      path: URL,
      patch: [
        { op: 'test', path: '/metadata/uid', value: 'cr' },
        { op: 'replace', path: '/spec/paused', value: false },
      ],
    });
    expect(setChange!.steps[2]).toEqual({
      kind: 'wait-recreated',
      namespace: 'mon',
      name: 'prometheus-p',
      oldUid: 'set-1',
      controllerUid: 'cr',
      template: 'prometheus-p-db',
      size: '2Gi',
      description: 'wait until prometheus-operator has created it again, owned by Prometheus mon/p, at 2Gi, and its pods are adopted',
    });
    expect(setChange!.replaces).toBe(true);
    expect(setChange!.irreversible).toMatch(/^prometheus-operator created the set again from Prometheus mon\/p: to change it, change the resource/);
    expect(setChange!.permissions).toEqual([
      { verb: 'get', group: 'apps', resource: 'statefulsets', namespace: 'mon' },
      { verb: 'delete', group: 'apps', resource: 'statefulsets', namespace: 'mon' },
      { verb: 'patch', group: 'monitoring.coreos.com', resource: 'prometheuses', namespace: 'mon' },
    ]);
  });

  it('keeps claims through the delete of a set whose claims it would delete', () => {
    const deleting = { ...set, spec: { ...set.spec!, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } } };
    const owner = ownerOf(deleting, { ...NO_OWNER_RECORDS, controllers: [prometheus()] });
    const p = planResizeThroughOwner(
      { sts: deleting, template: 'prometheus-p-db', size: '2Gi', claims: [claim], classes, quotas: [], limitRanges: [] },
      owner as never,
      'resize',
    );
    expect(p.changes.at(-1)!.steps.map((s) => s.kind)).toEqual(['patch', 'release-claims', 'delete-orphan', 'patch', 'wait-recreated']);
  });

  it('refuses a paused resource, or one without the storage field, with nothing planned', () => {
    const paused = plan(prometheus({ paused: true, storage: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '1Gi' } } } } } }));
    expect(paused.changes).toEqual([]);
    // The claim that could have grown is not grown either, and the plan says so.
    expect(paused.warnings).toEqual(['nothing is changed while any part is refused (1 other change(s) planned)']);
    expect(paused.refusals.map((r) => r.target)).toEqual([{ kind: 'Prometheus', namespace: 'mon', name: 'p' }]);
    expect(paused.refusals.map((r) => r.reasons.join())).toEqual([
      'Prometheus mon/p is paused (spec.paused: true): the procedure ends by un-pausing it, which this tool will not decide for you; un-pause it first, or change spec.storage.volumeClaimTemplate.spec.resources.requests.storage by hand',
    ]);
    const bare = plan(prometheus({}));
    expect(bare.changes).toEqual([]);
    expect(bare.refusals.map((r) => r.reasons.join())).toEqual([
      "Prometheus mon/p has no spec.storage.volumeClaimTemplate.spec.resources.requests.storage: its set's claim template is not the operator's storage template",
    ]);
  });

  it('all or nothing: a claim that cannot grow leaves nothing planned', () => {
    const pending = { ...claim, status: { phase: 'Pending' } };
    const p = plan(prometheus(), [pending]);
    expect(p.changes).toEqual([]);
    expect(p.refusals.some((r) => r.target.name === 'prometheus-p-db-prometheus-p-0' && !r.noop)).toBe(true);
    expect(p.warnings.at(-1)).toMatch(/^nothing is changed while any part is refused/);
  });
});
