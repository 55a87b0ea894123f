import { describe, expect, it } from 'vitest';
import { planProtect } from '../../../src/fixes/protect.js';
import { setExposure } from '../../../src/analysis/deletion-paths.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';
import type { KubeObject } from '../../../src/kube/types.js';

const sts = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'shop', uid: 's1', generation: 1 },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
  },
} as KubeObject;
const claim = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data-web-0', namespace: 'shop', uid: 'c0', resourceVersion: '5' },
  spec: { volumeName: 'pv-0', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  status: { phase: 'Bound' },
} as KubeObject;

describe('planProtect', () => {
  it('says so when --owner-references finds nothing to remove, instead of staying silent', () => {
    const snapshot = snapshotFromObjects([sts, claim]);
    const plan = planProtect(setExposure(snapshot, snapshot.statefulSets[0]!), { retention: false, ownerReferences: true }, 'protect web');
    expect(plan.refusals).toContainEqual({
      target: { kind: 'StatefulSet', namespace: 'shop', name: 'web' },
      reasons: ['--owner-references: no claim of this set has an ownerReference that would delete it'],
      noop: true,
    });
  });

  it('names both fields of the retention policy it sets', () => {
    const snapshot = snapshotFromObjects([sts]);
    const plan = planProtect(setExposure(snapshot, snapshot.statefulSets[0]!), { retention: true, ownerReferences: false }, 'protect web --retention');
    expect(plan.changes.map((c) => c.summary)).toEqual([
      'set persistentVolumeClaimRetentionPolicy of statefulset web from whenDeleted: Delete, whenScaled: Delete to whenDeleted: Retain, whenScaled: Retain',
    ]);
  });
});

describe('planProtect, the whole plan', () => {
  const set = {
    ...sts,
    spec: {
      ...(sts.spec as object),
      replicas: 3,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
      volumeClaimTemplates: [
        { metadata: { name: 'data' }, spec: { storageClassName: 'fast', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      ],
    },
  } as KubeObject;
  const pvc = (i: number, ownerReferences?: unknown[]) =>
    ({
      ...claim,
      metadata: { name: `data-web-${i}`, namespace: 'shop', uid: `c${i}`, resourceVersion: `${10 + i}`, ...(ownerReferences ? { ownerReferences } : {}) },
      spec: { ...(claim.spec as object), storageClassName: 'fast', volumeName: `pv-${i}` },
    }) as KubeObject;
  const pv = (i: number, policy: string, deleting = false) =>
    ({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: `pv-${i}`, uid: `v${i}`, resourceVersion: `${20 + i}`, ...(deleting ? { deletionTimestamp: '2026-01-01T11:00:00Z' } : {}) },
      spec: { persistentVolumeReclaimPolicy: policy, storageClassName: 'fast', claimRef: { namespace: 'shop', name: `data-web-${i}`, uid: `c${i}` } },
      status: { phase: 'Bound' },
    }) as KubeObject;
  const objects = [
    set,
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'fast' },
      provisioner: 'ebs.csi.aws.com',
      reclaimPolicy: 'Delete',
    } as KubeObject,
    // an operator's controlling reference, and a reference to a previous set of this name
    pvc(0, [
      { apiVersion: 'example.com/v1', kind: 'Database', name: 'db', uid: 'op-1', controller: true },
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'keep', uid: 'cm-1' },
    ]),
    pvc(1, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 's0' }]),
    pvc(2),
    pv(0, 'Delete'),
    pv(1, 'Retain'),
    pv(2, 'Delete', true),
  ];
  const exposure = () => {
    const snapshot = snapshotFromObjects(objects);
    return setExposure(snapshot, snapshot.statefulSets[0]!);
  };

  it('with --retention --owner-references: volumes, then claims, then the set', () => {
    const plan = planProtect(exposure(), { retention: true, ownerReferences: true }, 'protect web --retention --owner-references');
    expect(JSON.parse(JSON.stringify({ ...plan, changes: plan.changes.map(({ before: _b, after, ...c }) => ({ ...c, after })) }))).toMatchInlineSnapshot(`
      {
        "changes": [
          {
            "after": {
              "apiVersion": "v1",
              "kind": "PersistentVolume",
              "metadata": {
                "name": "pv-0",
                "resourceVersion": "20",
                "uid": "v0",
              },
              "spec": {
                "claimRef": {
                  "name": "data-web-0",
                  "namespace": "shop",
                  "uid": "c0",
                },
                "persistentVolumeReclaimPolicy": "Retain",
                "storageClassName": "fast",
              },
              "status": {
                "phase": "Bound",
              },
            },
            "notes": [
              "deleting the claim now leaves the PV Released with its data, for fix-claimref or restore to give back",
            ],
            "owned": [
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
                    "value": "v0",
                  },
                  {
                    "op": "test",
                    "path": "/metadata/resourceVersion",
                    "value": "20",
                  },
                  {
                    "op": "replace",
                    "path": "/spec/persistentVolumeReclaimPolicy",
                    "value": "Retain",
                  },
                ],
                "path": "/api/v1/persistentvolumes/pv-0",
              },
            ],
            "summary": "set reclaimPolicy of PV pv-0 (claim data-web-0) from Delete to Retain",
            "target": {
              "kind": "PersistentVolume",
              "name": "pv-0",
              "resourceVersion": "20",
              "uid": "v0",
            },
            "warnings": [],
          },
          {
            "after": {
              "apiVersion": "v1",
              "kind": "PersistentVolumeClaim",
              "metadata": {
                "name": "data-web-0",
                "namespace": "shop",
                "resourceVersion": "10",
                "uid": "c0",
              },
              "spec": {
                "accessModes": [
                  "ReadWriteOnce",
                ],
                "resources": {
                  "requests": {
                    "storage": "1Gi",
                  },
                },
                "storageClassName": "fast",
                "volumeName": "pv-0",
              },
              "status": {
                "phase": "Bound",
              },
            },
            "notes": [
              "the garbage collector no longer deletes the claim when those owners go",
            ],
            "owned": [
              "/metadata/ownerReferences",
            ],
            "permissions": [
              {
                "group": "",
                "namespace": "shop",
                "resource": "persistentvolumeclaims",
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
                    "value": "c0",
                  },
                  {
                    "op": "test",
                    "path": "/metadata/resourceVersion",
                    "value": "10",
                  },
                  {
                    "op": "test",
                    "path": "/metadata/ownerReferences/1/uid",
                    "value": "cm-1",
                  },
                  {
                    "op": "remove",
                    "path": "/metadata/ownerReferences/1",
                  },
                  {
                    "op": "test",
                    "path": "/metadata/ownerReferences/0/uid",
                    "value": "op-1",
                  },
                  {
                    "op": "remove",
                    "path": "/metadata/ownerReferences/0",
                  },
                ],
                "path": "/api/v1/namespaces/shop/persistentvolumeclaims/data-web-0",
              },
            ],
            "summary": "remove ownerReferences of claim data-web-0: Database db (uid op-1, controller), ConfigMap keep (uid cm-1)",
            "target": {
              "kind": "PersistentVolumeClaim",
              "name": "data-web-0",
              "namespace": "shop",
              "resourceVersion": "10",
              "uid": "c0",
            },
            "warnings": [
              "Database db (uid op-1) controls this claim: the operator behind it may add the reference again; check its configuration",
            ],
          },
          {
            "after": {
              "apiVersion": "v1",
              "kind": "PersistentVolumeClaim",
              "metadata": {
                "name": "data-web-1",
                "namespace": "shop",
                "resourceVersion": "11",
                "uid": "c1",
              },
              "spec": {
                "accessModes": [
                  "ReadWriteOnce",
                ],
                "resources": {
                  "requests": {
                    "storage": "1Gi",
                  },
                },
                "storageClassName": "fast",
                "volumeName": "pv-1",
              },
              "status": {
                "phase": "Bound",
              },
            },
            "notes": [
              "the garbage collector no longer deletes the claim when those owners go",
            ],
            "owned": [
              "/metadata/ownerReferences",
            ],
            "permissions": [
              {
                "group": "",
                "namespace": "shop",
                "resource": "persistentvolumeclaims",
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
                    "value": "c1",
                  },
                  {
                    "op": "test",
                    "path": "/metadata/resourceVersion",
                    "value": "11",
                  },
                  {
                    "op": "test",
                    "path": "/metadata/ownerReferences/0/uid",
                    "value": "s0",
                  },
                  {
                    "op": "remove",
                    "path": "/metadata/ownerReferences/0",
                  },
                ],
                "path": "/api/v1/namespaces/shop/persistentvolumeclaims/data-web-1",
              },
            ],
            "summary": "remove ownerReferences of claim data-web-1: StatefulSet web (uid s0, a previous set of that name)",
            "target": {
              "kind": "PersistentVolumeClaim",
              "name": "data-web-1",
              "namespace": "shop",
              "resourceVersion": "11",
              "uid": "c1",
            },
            "warnings": [],
          },
          {
            "after": {
              "apiVersion": "apps/v1",
              "kind": "StatefulSet",
              "metadata": {
                "generation": 1,
                "name": "web",
                "namespace": "shop",
                "uid": "s1",
              },
              "spec": {
                "persistentVolumeClaimRetentionPolicy": {
                  "whenDeleted": "Retain",
                  "whenScaled": "Retain",
                },
                "replicas": 3,
                "selector": {
                  "matchLabels": {
                    "app": "web",
                  },
                },
                "template": {
                  "metadata": {
                    "labels": {
                      "app": "web",
                    },
                  },
                  "spec": {
                    "containers": [
                      {
                        "image": "i",
                        "name": "c",
                      },
                    ],
                  },
                },
                "volumeClaimTemplates": [
                  {
                    "metadata": {
                      "name": "data",
                    },
                    "spec": {
                      "accessModes": [
                        "ReadWriteOnce",
                      ],
                      "resources": {
                        "requests": {
                          "storage": "1Gi",
                        },
                      },
                      "storageClassName": "fast",
                    },
                  },
                ],
              },
            },
            "notes": [
              "the StatefulSet controller then removes its ownerReferences from the claims; scale-downs and deleting the set keep every claim",
            ],
            "owned": [
              "/spec/persistentVolumeClaimRetentionPolicy",
            ],
            "permissions": [
              {
                "group": "apps",
                "namespace": "shop",
                "resource": "statefulsets",
                "verb": "patch",
              },
            ],
            "steps": [
              {
                "description": "JSON patch with test preconditions (uid and generation)",
                "kind": "patch",
                "patch": [
                  {
                    "op": "test",
                    "path": "/metadata/uid",
                    "value": "s1",
                  },
                  {
                    "op": "test",
                    "path": "/metadata/generation",
                    "value": 1,
                  },
                  {
                    "op": "add",
                    "path": "/spec/persistentVolumeClaimRetentionPolicy",
                    "value": {
                      "whenDeleted": "Retain",
                      "whenScaled": "Retain",
                    },
                  },
                ],
                "path": "/apis/apps/v1/namespaces/shop/statefulsets/web",
              },
            ],
            "summary": "set persistentVolumeClaimRetentionPolicy of statefulset web from whenDeleted: Delete, whenScaled: Retain to whenDeleted: Retain, whenScaled: Retain",
            "target": {
              "kind": "StatefulSet",
              "name": "web",
              "namespace": "shop",
              "resourceVersion": "",
              "uid": "s1",
            },
            "warnings": [],
          },
        ],
        "command": "protect web --retention --owner-references",
        "refusals": [
          {
            "noop": true,
            "reasons": [
              "reclaimPolicy is already Retain (claim data-web-1)",
            ],
            "target": {
              "kind": "PersistentVolume",
              "name": "pv-1",
            },
          },
          {
            "reasons": [
              "it is being deleted",
            ],
            "target": {
              "kind": "PersistentVolume",
              "name": "pv-2",
            },
          },
        ],
        "warnings": [
          "template data provisions from StorageClass fast with reclaimPolicy Delete, which cannot change: run protect again after a scale-up, or move the template to a class with reclaimPolicy: Retain",
        ],
      }
    `);
  });

  it('with neither: only what is left exposed, as warnings', () => {
    const plan = planProtect(exposure(), { retention: false, ownerReferences: false }, 'protect web');
    expect(plan.changes.map((c) => c.summary)).toMatchInlineSnapshot(`
      [
        "set reclaimPolicy of PV pv-0 (claim data-web-0) from Delete to Retain",
      ]
    `);
    expect(plan.refusals).toMatchInlineSnapshot(`
      [
        {
          "noop": true,
          "reasons": [
            "reclaimPolicy is already Retain (claim data-web-1)",
          ],
          "target": {
            "kind": "PersistentVolume",
            "name": "pv-1",
          },
        },
        {
          "reasons": [
            "it is being deleted",
          ],
          "target": {
            "kind": "PersistentVolume",
            "name": "pv-2",
          },
        },
      ]
    `);
    expect(plan.warnings).toMatchInlineSnapshot(`
      [
        "statefulset web still deletes claims (whenDeleted: Delete, whenScaled: Retain); --retention sets both to Retain",
        "data-web-0, data-web-1 have ownerReferences that can delete them; --owner-references removes them",
        "template data provisions from StorageClass fast with reclaimPolicy Delete, which cannot change: run protect again after a scale-up, or move the template to a class with reclaimPolicy: Retain",
      ]
    `);
  });
});
