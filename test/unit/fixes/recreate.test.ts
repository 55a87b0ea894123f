// The one re-create: what the new object keeps, what it changes, and the
// steps every re-creating repair (and undo) runs. The API server's side of it
// (managedFields taken as sent, the garbage collector, adoption) is proven on
// the control plane in test/integration/owners.test.ts.
import { describe, expect, it } from 'vitest';
import { LAST_APPLIED, planRecreate, recreatedObject, withoutServerFields } from '../../../src/fixes/recreate.js';
import type { PlannedChange, Refusal } from '../../../src/fixes/plan.js';
import type { StatefulSet } from '../../../src/kube/types.js';

const grow = (set: StatefulSet) => {
  set.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!['storage'] = '2Gi';
};

function owned(): StatefulSet {
  const spec = {
    selector: { matchLabels: { app: 'db' } },
    serviceName: 'db',
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name: 'db',
      namespace: 'shop',
      uid: 'old-uid',
      resourceVersion: '41',
      generation: 3,
      creationTimestamp: '2026-01-01T00:00:00Z' as unknown as Date,
      labels: { 'app.kubernetes.io/managed-by': 'Helm' },
      annotations: {
        'meta.helm.sh/release-name': 'r',
        'meta.helm.sh/release-namespace': 'shop',
        [LAST_APPLIED]: JSON.stringify({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec }) + '\n',
      },
      ownerReferences: [{ apiVersion: 'example.com/v1', kind: 'Database', name: 'db', uid: 'cr-uid', controller: true, blockOwnerDeletion: true }],
      managedFields: [
        { manager: 'helm', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:volumeClaimTemplates': {} } } },
        { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': {} } },
      ],
    },
    spec: structuredClone(spec),
    status: { replicas: 2, observedGeneration: 3 },
  } as StatefulSet;
}

describe('recreatedObject', () => {
  it('keeps every label, annotation and ownerReference, drops what the server sets, and changes only the template', () => {
    const before = owned();
    const { object, warnings } = recreatedObject(before, grow);
    expect(warnings).toEqual([]);
    expect(object.metadata?.labels).toEqual(before.metadata?.labels);
    expect(object.metadata?.ownerReferences).toEqual(before.metadata?.ownerReferences);
    expect(object.metadata?.annotations?.['meta.helm.sh/release-name']).toBe('r');
    for (const k of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields']) expect(object.metadata).not.toHaveProperty(k);
    expect([object.apiVersion, object.kind]).toEqual(['apps/v1', 'StatefulSet']);
    expect(object.status).toBeUndefined();
    expect(object.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.['storage']).toBe('2Gi');
    expect(object.spec?.template).toEqual(before.spec?.template);
    // the input is not touched
    expect(before.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.['storage']).toBe('1Gi');
  });

  it('sends what a create may carry, whatever the object came with: a list item has no apiVersion or kind, one being deleted has more', () => {
    const listed = owned();
    delete listed.apiVersion;
    delete listed.kind;
    Object.assign(listed.metadata!, { selfLink: '/apis/apps/v1/namespaces/shop/statefulsets/db', deletionTimestamp: 'x', deletionGracePeriodSeconds: 0 });
    const { object } = recreatedObject(listed, grow);
    expect([object.apiVersion, object.kind]).toEqual(['apps/v1', 'StatefulSet']);
    expect(Object.keys(object.metadata!).sort()).toEqual(['annotations', 'labels', 'name', 'namespace', 'ownerReferences']);
  });

  it('makes the same change in last-applied-configuration, written as kubectl writes it', () => {
    const { object } = recreatedObject(owned(), grow);
    const text = object.metadata!.annotations![LAST_APPLIED]!;
    expect(text.endsWith('}\n')).toBe(true);
    const applied = JSON.parse(text) as StatefulSet;
    expect(applied.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.['storage']).toBe('2Gi');
    expect(applied.metadata).toEqual({ name: 'db' });
  });

  it('adds no last-applied copy to an object that had none', () => {
    const sts = owned();
    delete sts.metadata!.annotations![LAST_APPLIED];
    const { object, warnings } = recreatedObject(sts, grow);
    expect(warnings).toEqual([]);
    expect(object.metadata!.annotations).toEqual({ 'meta.helm.sh/release-name': 'r', 'meta.helm.sh/release-namespace': 'shop' });
  });

  it('keeps a last-applied copy it cannot read, and says so', () => {
    const sts = owned();
    sts.metadata!.annotations![LAST_APPLIED] = '{not json';
    const { object, warnings } = recreatedObject(sts, grow);
    expect(object.metadata!.annotations![LAST_APPLIED]).toBe('{not json');
    expect(warnings.join()).toMatch(/not JSON/);
  });
});

describe('planRecreate', () => {
  const opts = { summary: 's', createDescription: 'c', rollPods: [], notes: [], owned: ['/spec/volumeClaimTemplates'] };

  it('deletes, creates, hands the old managedFields back, then waits for adoption', () => {
    const change = planRecreate(owned(), grow, opts) as PlannedChange;
    expect(change.steps.map((s) => s.kind)).toEqual(['delete-orphan', 'create', 'hand-back-fields', 'wait-adoption']);
    const handBack = change.steps[2]!;
    if (handBack.kind !== 'hand-back-fields') throw new Error('expected hand-back-fields');
    expect(handBack.managedFields.map((m) => m.manager)).toEqual(['helm', 'kube-controller-manager']);
    expect(handBack.description).toMatch(/\(helm\), so/);
    const del = change.steps[0]!;
    if (del.kind !== 'delete-orphan') throw new Error('expected delete-orphan');
    expect([del.uid, del.generation]).toEqual(['old-uid', 3]);
    expect(change.replaces).toBe(true);
    expect(change.owned).toEqual(['/spec/volumeClaimTemplates']);
  });

  it('asks for the verbs it uses: patch only to hand fields back, and the claims for a whenDeleted: Delete set', () => {
    expect((planRecreate(owned(), grow, opts) as PlannedChange).permissions.map((p) => `${p.verb} ${p.resource} ${p.namespace}`)).toEqual([
      'get statefulsets shop',
      'delete statefulsets shop',
      'create statefulsets shop',
      'patch statefulsets shop',
    ]);
    const deleting = owned();
    deleting.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' };
    const change = planRecreate(deleting, grow, { ...opts, rollPods: ['db-1'] }) as PlannedChange;
    expect(change.steps.slice(0, 2)).toEqual([
      {
        kind: 'patch',
        path: '/apis/apps/v1/namespaces/shop/statefulsets/db',
        patch: [
          { op: 'test', path: '/metadata/uid', value: 'old-uid' },
          { op: 'test', path: '/metadata/generation', value: 3 },
          { op: 'replace', path: '/spec/persistentVolumeClaimRetentionPolicy/whenDeleted', value: 'Retain' },
        ],
        description: 'set persistentVolumeClaimRetentionPolicy.whenDeleted to Retain so no claim can be deleted with the StatefulSet',
      },
      {
        kind: 'release-claims',
        namespace: 'shop',
        ownerPath: '/apis/apps/v1/namespaces/shop/statefulsets/db',
        ownerUid: 'old-uid',
        description:
          "once the StatefulSet controller has synced the set as patched, remove the set's ownerReference from its claims (JSON patch, uid-checked), so no claim can be collected with it",
      },
    ]);
    expect(change.warnings).toEqual([
      'persistentVolumeClaimRetentionPolicy.whenDeleted is Delete: it is switched to Retain before the delete and restored on the new StatefulSet',
    ]);
    expect(change.permissions.map((p) => `${p.verb} ${p.resource}`).slice(4)).toEqual([
      'patch statefulsets',
      'list persistentvolumeclaims',
      'patch persistentvolumeclaims',
      'delete pods',
    ]);
    // The new object keeps the policy the set had.
    const create = change.steps.find((s) => s.kind === 'create')!;
    expect(create.kind === 'create' && (create.body as StatefulSet).spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted).toBe('Delete');
  });

  it('the whole change, as the plan shows it and apply-plan runs it', () => {
    const deleting = owned();
    deleting.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' };
    const { before, after, ...change } = planRecreate(deleting, grow, { ...opts, rollPods: ['db-1', 'db-0'] }) as PlannedChange;
    expect(before).toBe(deleting);
    expect(after?.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.['storage']).toBe('2Gi');
    // The created object is recreatedObject's (tested above).
    const steps = change.steps.map((step) => (step.kind === 'create' ? { ...step, body: '(recreatedObject)' } : step));
    expect(JSON.parse(JSON.stringify({ ...change, steps }))).toMatchInlineSnapshot(`
      {
        "notes": [],
        "owned": [
          "/spec/volumeClaimTemplates",
        ],
        "permissions": [
          {
            "group": "apps",
            "namespace": "shop",
            "resource": "statefulsets",
            "verb": "get",
          },
          {
            "group": "apps",
            "namespace": "shop",
            "resource": "statefulsets",
            "verb": "delete",
          },
          {
            "group": "apps",
            "namespace": "shop",
            "resource": "statefulsets",
            "verb": "create",
          },
          {
            "group": "apps",
            "namespace": "shop",
            "resource": "statefulsets",
            "verb": "patch",
          },
          {
            "group": "apps",
            "namespace": "shop",
            "resource": "statefulsets",
            "verb": "patch",
          },
          {
            "group": "",
            "namespace": "shop",
            "resource": "persistentvolumeclaims",
            "verb": "list",
          },
          {
            "group": "",
            "namespace": "shop",
            "resource": "persistentvolumeclaims",
            "verb": "patch",
          },
          {
            "group": "",
            "namespace": "shop",
            "resource": "pods",
            "verb": "delete",
          },
        ],
        "replaces": true,
        "steps": [
          {
            "description": "set persistentVolumeClaimRetentionPolicy.whenDeleted to Retain so no claim can be deleted with the StatefulSet",
            "kind": "patch",
            "patch": [
              {
                "op": "test",
                "path": "/metadata/uid",
                "value": "old-uid",
              },
              {
                "op": "test",
                "path": "/metadata/generation",
                "value": 3,
              },
              {
                "op": "replace",
                "path": "/spec/persistentVolumeClaimRetentionPolicy/whenDeleted",
                "value": "Retain",
              },
            ],
            "path": "/apis/apps/v1/namespaces/shop/statefulsets/db",
          },
          {
            "description": "once the StatefulSet controller has synced the set as patched, remove the set's ownerReference from its claims (JSON patch, uid-checked), so no claim can be collected with it",
            "kind": "release-claims",
            "namespace": "shop",
            "ownerPath": "/apis/apps/v1/namespaces/shop/statefulsets/db",
            "ownerUid": "old-uid",
          },
          {
            "description": "delete with propagationPolicy: Orphan, only if uid and spec generation are still as planned (pods and claims stay)",
            "generation": 3,
            "kind": "delete-orphan",
            "path": "/apis/apps/v1/namespaces/shop/statefulsets/db",
            "uid": "old-uid",
          },
          {
            "body": "(recreatedObject)",
            "description": "c",
            "kind": "create",
            "path": "/apis/apps/v1/namespaces/shop/statefulsets",
          },
          {
            "description": "hand each field back to the manager that owned it (helm), so their next apply does not conflict with this tool",
            "kind": "hand-back-fields",
            "managedFields": [
              {
                "apiVersion": "apps/v1",
                "fieldsType": "FieldsV1",
                "fieldsV1": {
                  "f:spec": {
                    "f:volumeClaimTemplates": {},
                  },
                },
                "manager": "helm",
                "operation": "Apply",
              },
              {
                "fieldsType": "FieldsV1",
                "fieldsV1": {
                  "f:status": {},
                },
                "manager": "kube-controller-manager",
                "operation": "Update",
                "subresource": "status",
              },
            ],
            "path": "/apis/apps/v1/namespaces/shop/statefulsets/db",
          },
          {
            "description": "wait for the pods to be adopted, then delete db-1, db-0 one at a time (highest ordinal first)",
            "kind": "wait-adoption",
            "name": "db",
            "namespace": "shop",
            "rollPods": [
              "db-1",
              "db-0",
            ],
          },
        ],
        "summary": "s",
        "target": {
          "kind": "StatefulSet",
          "name": "db",
          "namespace": "shop",
          "resourceVersion": "41",
          "uid": "old-uid",
        },
        "warnings": [
          "persistentVolumeClaimRetentionPolicy.whenDeleted is Delete: it is switched to Retain before the delete and restored on the new StatefulSet",
        ],
      }
    `);
  });

  it('has nothing to hand back for an object without managedFields', () => {
    const sts = owned();
    delete (sts.metadata as Record<string, unknown>)['managedFields'];
    const change = planRecreate(sts, grow, opts) as PlannedChange;
    expect(change.steps.map((s) => s.kind)).toEqual(['delete-orphan', 'create', 'wait-adoption']);
    expect(change.steps[2]).toEqual({
      kind: 'wait-adoption',
      namespace: 'shop',
      name: 'db',
      rollPods: [],
      description: 'wait until the controller has seen the new StatefulSet and adopted its pods',
    });
    expect(change.permissions.map((p) => p.verb)).toEqual(['get', 'delete', 'create']);
  });

  it('refuses a set with finalizers or being deleted, before any step', () => {
    const withFinalizer = owned();
    withFinalizer.metadata!.finalizers = ['example.com/protect'];
    expect(planRecreate(withFinalizer, grow, opts)).toEqual({
      target: { kind: 'StatefulSet', namespace: 'shop', name: 'db' },
      reasons: ['it has finalizers (example.com/protect): another controller manages its deletion'],
    });
    const deleting = owned();
    deleting.metadata!.deletionTimestamp = '2026-01-01T00:00:00Z' as unknown as Date;
    expect((planRecreate(deleting, grow, opts) as Refusal).reasons).toEqual(['it is being deleted']);
  });
});

describe('withoutServerFields, on a set without metadata', () => {
  it('still drops the status and names the kind', () => {
    expect(withoutServerFields({ status: { replicas: 1 } } as StatefulSet)).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet' });
  });
});
