// fix-mounts (STS-001): which renames the tool proposes, and the one patch it
// plans for them, tested as the user confirms it.
import { describe, expect, it } from 'vitest';
import { planMountRename, proposeRenames } from '../../../src/fixes/fix-mounts.js';
import type { PlannedChange, Refusal } from '../../../src/fixes/plan.js';
import type { StatefulSet } from '../../../src/kube/types.js';

type Container = { name: string; volumeMounts?: Array<{ name: string; mountPath: string }>; volumeDevices?: Array<{ name: string; devicePath: string }> };

/** A set with these templates, pod volumes and containers. */
function set(templates: string[], containers: Container[], opts: { volumes?: string[]; initContainers?: Container[] } = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'shop', uid: 'set-uid', resourceVersion: '41', generation: 3 },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' } },
        spec: {
          containers,
          ...(opts.initContainers ? { initContainers: opts.initContainers } : {}),
          ...(opts.volumes ? { volumes: opts.volumes.map((name) => ({ name, emptyDir: {} })) } : {}),
        },
      },
      volumeClaimTemplates: templates.map((name) => ({ metadata: { name }, spec: { resources: { requests: { storage: '1Gi' } } } })),
    },
  } as StatefulSet;
}
const mounting = (name: string, ...mounts: string[]): Container => ({ name, volumeMounts: mounts.map((m, i) => ({ name: m, mountPath: `/m${i}` })) });

describe('proposeRenames', () => {
  it('leaves mounts of a template or of a pod volume alone', () => {
    expect(proposeRenames(set(['data'], [mounting('main', 'data', 'scratch')], { volumes: ['scratch'] }))).toEqual([]);
  });

  it('proposes only templates nothing mounts yet', () => {
    // "data-x" is closer to "data" than "logs" is, but "data" is mounted already
    expect(proposeRenames(set(['data', 'logs'], [mounting('main', 'data', 'data-x')]))).toEqual([['data-x', 'logs']]);
  });

  it('proposes one rename for a name mounted by two containers', () => {
    expect(proposeRenames(set(['data'], [mounting('main', 'dta'), mounting('sidecar', 'dta')]))).toEqual([['dta', 'data']]);
  });

  it('gives each template to one mount only', () => {
    expect(proposeRenames(set(['data', 'logs'], [mounting('main', 'data1', 'data2')]))).toEqual([
      ['data1', 'data'],
      ['data2', 'logs'],
    ]);
    expect(proposeRenames(set(['data'], [mounting('main', 'data1', 'data2')]))).toEqual([['data1', 'data']]);
  });

  it('proposes nothing when every template is mounted', () => {
    expect(proposeRenames(set(['data'], [mounting('main', 'data', 'cache')]))).toEqual([]);
  });

  it('reads a set without a pod spec as one without mounts', () => {
    expect(proposeRenames({ metadata: { name: 'bare' } } as StatefulSet)).toEqual([]);
  });
});

describe('planMountRename', () => {
  it('plans one patch: the spec preconditions, then a test and a replace for each mount of each renamed name', () => {
    const sts = set(['data', 'logs'], [mounting('main', 'dta', 'lgs'), { name: 'raw', volumeDevices: [{ name: 'dta', devicePath: '/dev/x' }] }], {
      initContainers: [mounting('init', 'dta')],
    });
    const plan = planMountRename(sts, [
      ['dta', 'data'],
      ['lgs', 'logs'],
    ]) as PlannedChange;
    const { before: _b, after, ...rest } = plan;
    expect(rest).toMatchInlineSnapshot(`
      {
        "notes": [
          "the StatefulSet controller rolls the pods (or creates those that failed) with the renamed mounts",
        ],
        "owned": [
          "/spec/template/spec",
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
            "description": "JSON patch of the pod template with test preconditions (a rolling update)",
            "kind": "patch",
            "patch": [
              {
                "op": "test",
                "path": "/metadata/uid",
                "value": "set-uid",
              },
              {
                "op": "test",
                "path": "/metadata/generation",
                "value": 3,
              },
              {
                "op": "test",
                "path": "/spec/template/spec/initContainers/0/volumeMounts/0/name",
                "value": "dta",
              },
              {
                "op": "replace",
                "path": "/spec/template/spec/initContainers/0/volumeMounts/0/name",
                "value": "data",
              },
              {
                "op": "test",
                "path": "/spec/template/spec/containers/0/volumeMounts/0/name",
                "value": "dta",
              },
              {
                "op": "replace",
                "path": "/spec/template/spec/containers/0/volumeMounts/0/name",
                "value": "data",
              },
              {
                "op": "test",
                "path": "/spec/template/spec/containers/0/volumeMounts/1/name",
                "value": "lgs",
              },
              {
                "op": "replace",
                "path": "/spec/template/spec/containers/0/volumeMounts/1/name",
                "value": "logs",
              },
              {
                "op": "test",
                "path": "/spec/template/spec/containers/1/volumeDevices/0/name",
                "value": "dta",
              },
              {
                "op": "replace",
                "path": "/spec/template/spec/containers/1/volumeDevices/0/name",
                "value": "data",
              },
            ],
            "path": "/apis/apps/v1/namespaces/shop/statefulsets/db",
          },
        ],
        "summary": "rename mount "dta" to "data", mount "lgs" to "logs" in statefulset db",
        "target": {
          "kind": "StatefulSet",
          "name": "db",
          "namespace": "shop",
          "resourceVersion": "41",
          "uid": "set-uid",
        },
        "warnings": [],
      }
    `);
    const spec = (after as StatefulSet).spec!.template!.spec!;
    expect(spec.initContainers![0]!.volumeMounts!.map((m) => m.name)).toEqual(['data']);
    expect(spec.containers[0]!.volumeMounts!.map((m) => m.name)).toEqual(['data', 'logs']);
    expect(spec.containers[1]!.volumeDevices!.map((m) => m.name)).toEqual(['data']);
    // the object as read is left as it was
    expect(plan.before).toBe(sts);
    expect(sts.spec!.template!.spec!.containers[0]!.volumeMounts![0]!.name).toBe('dta');
  });

  it('may rename a mount to a pod volume', () => {
    const plan = planMountRename(set(['data'], [mounting('main', 'data', 'scrtch')], { volumes: ['scratch'] }), [['scrtch', 'scratch']]) as PlannedChange;
    expect(plan.summary).toBe('rename mount "scrtch" to "scratch" in statefulset db');
  });

  it('refuses a set being deleted, before anything else', () => {
    const sts = set(['data'], [mounting('main', 'dta')]);
    sts.metadata!.deletionTimestamp = '2026-12-07T00:00:00Z';
    expect(planMountRename(sts, [])).toEqual({ target: { kind: 'StatefulSet', namespace: 'shop', name: 'db' }, reasons: ['it is being deleted'] });
  });

  it('has nothing to do without renames, and says so as a no-op', () => {
    expect(planMountRename(set(['data'], [mounting('main', 'data')]), [])).toEqual({
      target: { kind: 'StatefulSet', namespace: 'shop', name: 'db' },
      reasons: ['no mount needs renaming: every mount names a volume or a volumeClaimTemplate'],
      noop: true,
    });
  });

  it('refuses every rename it cannot make, each with its reason, and names the templates there are', () => {
    const r = planMountRename(set(['data', 'logs'], [mounting('main', 'dta')]), [
      ['dta', 'elsewhere'],
      ['gone', 'data'],
    ]) as Refusal;
    expect(r).toEqual({
      target: { kind: 'StatefulSet', namespace: 'shop', name: 'db' },
      reasons: ['"elsewhere" is neither a volumeClaimTemplate nor a pod volume of statefulset db (templates: data, logs)', 'no container mounts "gone"'],
    });
    const none = planMountRename(set([], [mounting('main', 'dta')]), [['dta', 'data']]) as Refusal;
    expect(none.reasons).toEqual(['"data" is neither a volumeClaimTemplate nor a pod volume of statefulset db (templates: none)']);
  });
});
