// The API server's verdicts that the differential test
// (test/integration/manifest-verdicts.test.ts) found the reader getting wrong,
// kept as fixtures: each case is a variant of a real chart's object, and the
// verdict is what the 1.37 API server answered to it with dryRun=All.
import { describe, expect, it } from 'vitest';
import { ManifestValidator, shippedValidator, type KubernetesSchema } from '../../../src/snapshot/validate-manifest.js';

type Obj = Record<string, any>;

const statefulSet = (): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'shop' },
  spec: {
    serviceName: 'db',
    selector: { matchLabels: { app: 'db' } },
    template: {
      metadata: { labels: { app: 'db' } },
      spec: {
        containers: [
          {
            name: 'db',
            image: 'postgres:16',
            ports: [{ name: 'pg', containerPort: 5432 }],
            volumeMounts: [
              { name: 'data', mountPath: '/var/lib/postgresql' },
              { name: 'config', mountPath: '/etc/pg' },
            ],
            readinessProbe: { tcpSocket: { port: 5432 } },
            resources: { requests: { cpu: '100m' }, limits: { cpu: '1' } },
          },
        ],
        volumes: [{ name: 'config', configMap: { name: 'pg' } }],
      },
    },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
  },
});

const service = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'db', namespace: 'shop' },
  spec: { ports: [{ name: 'pg', port: 5432, targetPort: 5432 }] },
});
const volume = (): Obj => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'pv-0' },
  spec: {
    capacity: { storage: '5Gi' },
    accessModes: ['ReadWriteOnce'],
    local: { path: '/mnt/0' },
    nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['a'] }] }] } },
  },
});
const storageClass = (): Obj => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'fast' },
  provisioner: 'disk.csi.example.com',
  allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['a'] }] }],
});

const pod = (o: Obj) => o.spec.template.spec;
const container = (o: Obj) => pod(o).containers[0];

/** [what, object, undefined when the server accepts it, else a field the server named] */
const CASES: Array<[string, Obj, string | undefined]> = [
  [
    'charts: `annotations:` with nothing under it, `podManagementPolicy: ""`, `initContainers: null`',
    variant(statefulSet(), (o) => {
      o.metadata.annotations = null;
      o.spec.podManagementPolicy = '';
      pod(o).initContainers = null;
    }),
    undefined,
  ],
  [
    'charts: `nodePort: null`, `protocol: ""`, `type: ""`',
    variant(service(), (o) => {
      o.spec.ports[0].nodePort = null;
      o.spec.ports[0].protocol = '';
      o.spec.type = '';
    }),
    undefined,
  ],
  [
    'a targetPort given as a string of digits is a port name, and a name needs a letter',
    variant(service(), (o) => (o.spec.ports[0].targetPort = '5432')),
    'spec.ports[0].targetPort',
  ],
  [
    'a probe port given as a string of digits',
    variant(statefulSet(), (o) => (container(o).readinessProbe.tcpSocket.port = '5432')),
    'spec.template.spec.containers[0].readinessProbe.tcpSocket.port',
  ],
  [
    'a probe with no action',
    variant(statefulSet(), (o) => (container(o).readinessProbe = { periodSeconds: 5 })),
    'spec.template.spec.containers[0].readinessProbe',
  ],
  [
    'an exec action without a command',
    variant(statefulSet(), (o) => (container(o).readinessProbe = { exec: {} })),
    'spec.template.spec.containers[0].readinessProbe.exec.command',
  ],
  [
    'a preStop hook emptied by a null',
    variant(statefulSet(), (o) => (container(o).lifecycle = { preStop: { exec: null } })),
    'spec.template.spec.containers[0].lifecycle.preStop',
  ],
  [
    'env valueFrom naming no source',
    variant(statefulSet(), (o) => (container(o).env = [{ name: 'X', valueFrom: {} }])),
    'spec.template.spec.containers[0].env[0].valueFrom',
  ],
  [
    'a configMapKeyRef with an empty name',
    variant(statefulSet(), (o) => (container(o).env = [{ name: 'X', valueFrom: { configMapKeyRef: { name: '', key: 'k' } } }])),
    'spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef.name',
  ],
  [
    'a configMap volume with an empty name',
    variant(statefulSet(), (o) => (pod(o).volumes[0].configMap.name = '')),
    'spec.template.spec.volumes[0].configMap.name',
  ],
  [
    'a projected secret with an empty name',
    variant(statefulSet(), (o) => (pod(o).volumes[0] = { name: 'config', projected: { sources: [{ secret: { name: '' } }] } })),
    'spec.template.spec.volumes[0].projected.sources[0].secret.name',
  ],
  ['a pod volume naming no source is an emptyDir', variant(statefulSet(), (o) => (pod(o).volumes[0] = { name: 'config' })), undefined],
  [
    'a claim template whose name is null becomes a volume without a name',
    variant(statefulSet(), (o) => (o.spec.volumeClaimTemplates[0].metadata.name = null)),
    'spec.template.spec.volumes[0].name',
  ],
  [
    'a pod volume a claim template replaces is not validated',
    variant(statefulSet(), (o) => pod(o).volumes.push({ name: 'data', persistentVolumeClaim: {} })),
    undefined,
  ],
  [
    '... but it is decoded',
    variant(statefulSet(), (o) => pod(o).volumes.push({ name: 'data', persistentVolumeClaim: 'text' })),
    'spec.template.spec.volumes.persistentVolumeClaim',
  ],
  [
    'a request above a limit a null made zero',
    variant(statefulSet(), (o) => (container(o).resources.limits.cpu = null)),
    'spec.template.spec.containers[0].resources.requests',
  ],
  [
    'an affinity selector In without values',
    variant(statefulSet(), (o) => {
      pod(o).affinity = {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchExpressions: [{ key: 'app', operator: 'In' }] } },
          ],
        },
      };
    }),
    'spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchExpressions[0].values',
  ],
  ['ipFamilies with an empty string', variant(service(), (o) => (o.spec.ipFamilies = [''])), 'spec.ipFamilies[0]'],
  ['an empty appProtocol', variant(service(), (o) => (o.spec.ports[0].appProtocol = '')), 'spec.ports[0].appProtocol'],
  ['a PV whose nodeAffinity has no required terms', variant(volume(), (o) => (o.spec.nodeAffinity = {})), 'spec.nodeAffinity.required'],
  ['a local PV without nodeAffinity', variant(volume(), (o) => delete o.spec.nodeAffinity), 'spec.nodeAffinity'],
  ['a PV whose capacity a null made zero', variant(volume(), (o) => (o.spec.capacity.storage = null)), 'spec.capacity.storage'],
  [
    'a node selector term requirement In without values',
    variant(volume(), (o) => delete o.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values),
    'spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values',
  ],
  [
    'an allowed topology term without expressions is a duplicate of the empty one',
    variant(storageClass(), (o) => (o.allowedTopologies[0].matchLabelExpressions = null)),
    'allowedTopologies[0].matchLabelExpressions',
  ],
];

function variant(o: Obj, change: (o: Obj) => void): Obj {
  change(o);
  return o;
}

describe('the reader gives the API server’s verdict on what the differential test found', () => {
  it.each(CASES)('%s', (_what, object, field) => {
    const admission = shippedValidator().admit(structuredClone(object));
    if (field === undefined) {
      expect(admission.problems.map((p) => p.message)).toEqual([]);
      expect(admission.object).toBeDefined();
    } else {
      expect(admission.object).toBeUndefined();
      const named = admission.problems.map((p) => p.message.split(': ')[0]!.replace(/^\./, ''));
      expect(named.some((n) => n === field || n.replace(/\[\d+\]/g, '') === field)).toBe(true);
    }
  });
});

describe('verdicts that depend on the release (the differential test on a 1.33 server)', () => {
  // The reader for a 1.33 server, as --preflight builds it from the server's published schema.
  const on133 = new ManifestValidator({ ...(shippedValidator().schema as KubernetesSchema), version: 'v1.33.13' });
  const cases: Array<[string, Obj, string | undefined, string | undefined]> = [
    ['a StatefulSet without containers', variant(statefulSet(), (o) => (pod(o).containers = [])), 'spec.template.spec.containers', undefined],
    [
      'a claim template without access modes',
      variant(statefulSet(), (o) => delete o.spec.volumeClaimTemplates[0].spec.accessModes),
      'spec.volumeClaimTemplates[0].spec.accessModes',
      undefined,
    ],
    [
      'an imagePullPolicy out of its enum',
      variant(statefulSet(), (o) => (container(o).imagePullPolicy = 'Sometimes')),
      '.spec.template.spec.containers[0].imagePullPolicy',
      undefined,
    ],
    [
      'a replica count given as a string (decoding refuses it on every release)',
      variant(statefulSet(), (o) => (o.spec.replicas = '3')),
      '.spec.replicas',
      '.spec.replicas',
    ],
    [
      'a restartPolicy other than Always (ValidateStatefulSetSpec, on every release)',
      variant(statefulSet(), (o) => (pod(o).restartPolicy = 'Never')),
      'spec.template.spec.restartPolicy',
      'spec.template.spec.restartPolicy',
    ],
  ];
  it.each(cases)('%s', (_what, object, on137, onOld) => {
    for (const [validator, field] of [
      [shippedValidator(), on137],
      [on133, onOld],
    ] as const) {
      const admission = validator.admit(structuredClone(object));
      if (field === undefined) expect(admission.problems.map((p) => p.message)).toEqual([]);
      else expect(admission.problems.map((p) => p.message.split(': ')[0])).toContain(field);
    }
  });
});
