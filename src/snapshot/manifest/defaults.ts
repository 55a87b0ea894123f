// Step 2: the server's defaults, for the fields where an empty value is
// filled in rather than refused. Real charts write `podManagementPolicy: ""`
// or `protocol: ""`; the API server's SetDefaults_* functions turn them into
// OrderedReady and TCP before validation sees them (pkg/apis/apps/v1/defaults.go,
// pkg/apis/core/v1/defaults.go, 1.37). Keyed by definition name, so a default
// applies wherever the type appears (a Container in any pod template).
// `undefined` means "an empty value is accepted as it is" (the field is
// optional and validation skips it when empty: a Toleration's effect).
import { resolve, typeOf, type Definitions, type SchemaNode } from './schema-node.js';

type Default = string | undefined | ((object: Record<string, unknown>) => string | undefined);

const EMPTY_STRING_DEFAULTS: Record<string, Record<string, Default>> = {
  'io.k8s.api.apps.v1.StatefulSetSpec': { podManagementPolicy: 'OrderedReady' },
  'io.k8s.api.apps.v1.StatefulSetUpdateStrategy': { type: 'RollingUpdate' },
  'io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy': { whenDeleted: 'Retain', whenScaled: 'Retain' },
  'io.k8s.api.core.v1.PodSpec': { dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', schedulerName: 'default-scheduler' },
  'io.k8s.api.core.v1.Container': {
    // SetDefaults_Container: Always for :latest or no tag, else IfNotPresent.
    imagePullPolicy: (c) => (typeof c.image === 'string' && /:[^/:@]+$/.test(c.image) && !c.image.endsWith(':latest') ? 'IfNotPresent' : 'Always'),
    terminationMessagePolicy: 'File',
    terminationMessagePath: '/dev/termination-log',
  },
  'io.k8s.api.core.v1.ContainerPort': { protocol: 'TCP' },
  'io.k8s.api.core.v1.ServicePort': { protocol: 'TCP' },
  'io.k8s.api.core.v1.ServiceSpec': {
    type: 'ClusterIP',
    sessionAffinity: 'None',
    // Defaulted to Cluster for a NodePort or LoadBalancer Service; validated only when set.
    externalTrafficPolicy: (s) => (s.type === 'NodePort' || s.type === 'LoadBalancer' ? 'Cluster' : undefined),
  },
  'io.k8s.api.core.v1.HTTPGetAction': { scheme: 'HTTP' },
  'io.k8s.api.core.v1.PersistentVolumeSpec': { persistentVolumeReclaimPolicy: 'Retain' },
  // validateTolerations: an empty operator means Equal, an empty effect matches every effect.
  'io.k8s.api.core.v1.Toleration': { operator: undefined, effect: undefined },
  // validateReclaimPolicy checks a class's policy only when it is non-empty.
  'io.k8s.api.storage.v1.StorageClass': { reclaimPolicy: undefined },
};

// Defaults of whole objects, by definition name: a pod volume that names no
// source is an emptyDir (SetDefaults_Volume, ptr.AllPtrFieldsNil).
const OBJECT_DEFAULTS: Record<string, (object: Record<string, unknown>) => void> = {
  'io.k8s.api.core.v1.Volume': (v) => {
    if (Object.keys(v).every((k) => k === 'name')) v.emptyDir = {};
  },
};

/** The object with the server's defaults for empty values applied (a new object; the input is not changed). */
export function applyDefaults(value: Record<string, unknown>, root: SchemaNode, definitions: Definitions): Record<string, unknown> {
  const walk = (v: unknown, node: SchemaNode | undefined): unknown => {
    const { node: at, name } = resolve(node, definitions);
    if (!at) return v;
    if (Array.isArray(v)) return typeOf(at) === 'array' ? v.map((item) => walk(item, at.items)) : v;
    if (!v || typeof v !== 'object' || !at.properties) return v;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(v as Record<string, unknown>)) out[key] = walk(child, at.properties[key]);
    if (name && OBJECT_DEFAULTS[name]) OBJECT_DEFAULTS[name](out);
    const defaults = name ? EMPTY_STRING_DEFAULTS[name] : undefined;
    if (defaults)
      for (const [field, def] of Object.entries(defaults)) {
        if (out[field] !== '') continue;
        const filled = typeof def === 'function' ? def(out) : def;
        if (filled === undefined) delete out[field];
        else out[field] = filled;
      }
    return out;
  };
  return walk(value, root) as Record<string, unknown>;
}
