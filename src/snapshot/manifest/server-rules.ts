// Step 3: what the API server's validation refuses that the OpenAPI schema
// does not say: required values that the Go types leave optional, names,
// selectors, one volume source, a storage request. Transcribed from
// pkg/apis/apps/validation and pkg/apis/core/validation (1.37), in their
// words (field.Required → "Required value", field.Invalid → "Invalid value:
// …"). Only the rules that decide whether the objects this tool reads exist
// are here; the differential test (test/integration/manifest-verdicts.test.ts)
// compares every verdict with the real server's.
import { renderPath } from './schema-node.js';

export interface ServerProblem {
  path: Array<string | number>;
  message: string;
}

type Obj = Record<string, unknown>;
type Path = Array<string | number>;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const quote = (v: unknown) => JSON.stringify(v);

class Problems {
  readonly all: ServerProblem[] = [];
  add(path: Path, text: string) {
    this.all.push({ path, message: `${renderPath(path)}: ${text}` });
  }
  required(path: Path, detail = '') {
    this.add(path, `Required value${detail ? `: ${detail}` : ''}`);
  }
  invalid(path: Path, value: unknown, detail: string) {
    this.add(path, `Invalid value: ${quote(value)}: ${detail}`);
  }
}

function dnsLabel(p: Problems, path: Path, name: string) {
  if (name.length > 63) p.invalid(path, name, 'must be no more than 63 characters');
  else if (!DNS1123_LABEL.test(name))
    p.invalid(
      path,
      name,
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
    );
}

function dnsSubdomain(p: Problems, path: Path, name: string) {
  if (name.length > 253) p.invalid(path, name, 'must be no more than 253 characters');
  else if (!DNS1123_SUBDOMAIN.test(name))
    p.invalid(
      path,
      name,
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
    );
}

function qualifiedName(p: Problems, path: Path, key: string) {
  const parts = key.split('/');
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length > 2 || (parts.length === 2 && (parts[0] === '' || !DNS1123_SUBDOMAIN.test(parts[0]!))) || name.length > 63 || !QUALIFIED_NAME.test(name))
    p.invalid(path, key, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
}

function labels(p: Problems, path: Path, value: unknown) {
  if (!isObj(value)) return;
  for (const [k, v] of Object.entries(value)) {
    qualifiedName(p, path, k);
    const s = str(v);
    if (s !== '' && (s.length > 63 || !QUALIFIED_NAME.test(s)))
      p.invalid(
        path,
        s,
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
      );
  }
}

function annotations(p: Problems, path: Path, value: unknown) {
  if (!isObj(value)) return;
  for (const k of Object.keys(value)) qualifiedName(p, path, k.toLowerCase());
}

type NameRule = (p: Problems, path: Path, name: string) => void;

/** ValidateObjectMeta: the name (by the kind's rule), the namespace, labels and annotations. */
function objectMeta(p: Problems, meta: unknown, nameRule: NameRule, namespaced: boolean) {
  const m = isObj(meta) ? meta : {};
  const name = str(m.name);
  if (name === '' && str(m.generateName) === '') p.required(['metadata', 'name'], 'name or generateName is required');
  else if (name !== '') nameRule(p, ['metadata', 'name'], name);
  if (namespaced && str(m.namespace) !== '') dnsLabel(p, ['metadata', 'namespace'], str(m.namespace));
  labels(p, ['metadata', 'labels'], m.labels);
  annotations(p, ['metadata', 'annotations'], m.annotations);
}

/** Does a LabelSelector select these labels (metav1.LabelSelectorAsSelector, then Matches)? */
function selects(selector: Obj, labelSet: Obj): boolean {
  for (const [k, v] of Object.entries(isObj(selector.matchLabels) ? selector.matchLabels : {}))
    if (str(labelSet[k]) !== str(v) || !(k in labelSet)) return false;
  for (const e of list(selector.matchExpressions)) {
    if (!isObj(e)) continue;
    const key = str(e.key);
    const values = list(e.values).map(str);
    const has = key in labelSet;
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(str(labelSet[key]))) return false;
        break;
      case 'NotIn':
        if (has && values.includes(str(labelSet[key]))) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** ValidateLabelSelector: operators and the values each takes. */
function labelSelector(p: Problems, path: Path, selector: Obj) {
  labels(p, [...path, 'matchLabels'], selector.matchLabels);
  list(selector.matchExpressions).forEach((e, i) => {
    if (!isObj(e)) return;
    const at = [...path, 'matchExpressions', i];
    const values = list(e.values);
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (values.length === 0) p.required([...at, 'values'], "must be specified when `operator` is 'In' or 'NotIn'");
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if (values.length > 0) p.add([...at, 'values'], "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    } else p.add([...at, 'operator'], `Invalid value: ${quote(e.operator)}: not a valid selector operator`);
    qualifiedName(p, [...at, 'key'], str(e.key));
  });
}

// The volume sources a core Volume may name: exactly one (validateVolumeSource).
const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];

function podSpec(p: Problems, path: Path, spec: Obj, templateVolumes: string[]) {
  const containers = list(spec.containers);
  if (containers.length === 0) p.required([...path, 'containers']);
  const seen = new Set<string>();
  const check = (field: string) =>
    list(spec[field]).forEach((c, i) => {
      if (!isObj(c)) return;
      const at = [...path, field, i];
      const name = str(c.name);
      if (name === '') p.required([...at, 'name']);
      else {
        dnsLabel(p, [...at, 'name'], name);
        if (seen.has(name)) p.add([...at, 'name'], `Duplicate value: ${quote(name)}`);
        seen.add(name);
      }
      if (str(c.image) === '') p.required([...at, 'image']);
      list(c.volumeMounts).forEach((m, j) => {
        if (!isObj(m)) return;
        if (str(m.name) === '') p.required([...at, 'volumeMounts', j, 'name']);
        if (str(m.mountPath) === '') p.required([...at, 'volumeMounts', j, 'mountPath']);
      });
    });
  check('initContainers');
  check('containers');
  const volumeNames = new Set(templateVolumes);
  list(spec.volumes).forEach((v, i) => {
    if (!isObj(v)) return;
    const at = [...path, 'volumes', i];
    const name = str(v.name);
    if (name === '') p.required([...at, 'name']);
    else {
      dnsLabel(p, [...at, 'name'], name);
      if (volumeNames.has(name) && !templateVolumes.includes(name)) p.add([...at, 'name'], `Duplicate value: ${quote(name)}`);
      volumeNames.add(name);
    }
    // A claim template of the same name replaces this volume (volumesToAddForTemplates): it is not validated.
    if (templateVolumes.includes(name)) return;
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined);
    if (sources.length === 0) p.required(at, 'must specify a volume type');
    else if (sources.length > 1) p.add([...at, sources[1]!], 'Forbidden: may not specify more than 1 volume type');
  });
}

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

/** ValidatePersistentVolumeClaimSpec. */
function claimSpec(p: Problems, path: Path, spec: Obj) {
  const modes = list(spec.accessModes).map(str);
  if (modes.length === 0) p.required([...path, 'accessModes'], 'at least 1 access mode is required');
  for (const m of modes)
    if (!ACCESS_MODES.includes(m)) p.add([...path, 'accessModes'], `Unsupported value: ${quote(m)}: supported values: ${ACCESS_MODES.map(quote).join(', ')}`);
  if (modes.includes('ReadWriteOncePod') && modes.some((m) => m !== 'ReadWriteOncePod' && ACCESS_MODES.includes(m)))
    p.add([...path, 'accessModes'], 'Forbidden: may not use ReadWriteOncePod with other access modes');
  const requests = isObj(spec.resources) && isObj(spec.resources.requests) ? spec.resources.requests : {};
  const storage = requests.storage;
  if (storage === undefined) p.required([...path, 'resources', 'storage']);
  else if (isZeroOrNegative(storage)) p.invalid([...path, 'resources', 'storage'], String(storage), 'must be greater than zero');
  if (isObj(spec.selector)) labelSelector(p, [...path, 'selector'], spec.selector);
  const cls = str(spec.storageClassName);
  if (cls !== '') dnsSubdomain(p, [...path, 'storageClassName'], cls);
}

function isZeroOrNegative(q: unknown): boolean {
  if (typeof q === 'number') return q <= 0;
  const m = /^([+-]?)(\d*\.?\d*)/.exec(String(q));
  return !!m && (m[1] === '-' || Number(m[2] || '0') === 0);
}

function statefulSet(p: Problems, o: Obj) {
  objectMeta(p, o.metadata, dnsLabel, true);
  const spec = isObj(o.spec) ? o.spec : {};
  for (const field of ['replicas', 'minReadySeconds'])
    if (typeof spec[field] === 'number' && (spec[field] as number) < 0) p.invalid(['spec', field], spec[field], 'must be greater than or equal to 0');
  if (str(spec.serviceName) !== '') dnsLabel(p, ['spec', 'serviceName'], str(spec.serviceName));
  const retention = isObj(spec.persistentVolumeClaimRetentionPolicy) ? spec.persistentVolumeClaimRetentionPolicy : undefined;
  for (const field of ['whenDeleted', 'whenScaled'])
    if (retention && !['Retain', 'Delete'].includes(str(retention[field] ?? 'Retain')))
      p.add(['spec', 'persistentVolumeClaimRetentionPolicy', field], `Unsupported value: ${quote(retention[field])}: supported values: "Retain", "Delete"`);
  const templates = list(spec.volumeClaimTemplates);
  templates.forEach((t, i) => claimSpec(p, ['spec', 'volumeClaimTemplates', i, 'spec'], isObj(t) && isObj(t.spec) ? t.spec : {}));
  const template = isObj(spec.template) ? spec.template : {};
  const templateMeta = isObj(template.metadata) ? template.metadata : {};
  const selector = isObj(spec.selector) ? spec.selector : undefined;
  if (!selector) p.required(['spec', 'selector']);
  else {
    labelSelector(p, ['spec', 'selector'], selector);
    const empty = Object.keys(isObj(selector.matchLabels) ? selector.matchLabels : {}).length + list(selector.matchExpressions).length === 0;
    if (empty) p.invalid(['spec', 'selector'], selector, 'empty selector is invalid for statefulset');
    else if (!selects(selector, isObj(templateMeta.labels) ? templateMeta.labels : {}))
      p.invalid(['spec', 'template', 'metadata', 'labels'], templateMeta.labels ?? {}, '`selector` does not match template `labels`');
  }
  labels(p, ['spec', 'template', 'metadata', 'labels'], templateMeta.labels);
  annotations(p, ['spec', 'template', 'metadata', 'annotations'], templateMeta.annotations);
  const pod = isObj(template.spec) ? template.spec : {};
  const templateNames = templates.map((t) => (isObj(t) && isObj(t.metadata) ? str(t.metadata.name) : '')).filter((n) => n !== '');
  podSpec(p, ['spec', 'template', 'spec'], pod, templateNames);
  if ((pod.restartPolicy ?? 'Always') !== 'Always')
    p.add(['spec', 'template', 'spec', 'restartPolicy'], `Unsupported value: ${quote(pod.restartPolicy)}: supported values: "Always"`);
  if (pod.activeDeadlineSeconds !== undefined)
    p.add(['spec', 'template', 'spec', 'activeDeadlineSeconds'], 'Forbidden: activeDeadlineSeconds in StatefulSet is not Supported');
}

function persistentVolumeClaim(p: Problems, o: Obj) {
  objectMeta(p, o.metadata, dnsSubdomain, true);
  claimSpec(p, ['spec'], isObj(o.spec) ? o.spec : {});
}

function persistentVolume(p: Problems, o: Obj) {
  objectMeta(p, o.metadata, dnsSubdomain, false);
  const spec = isObj(o.spec) ? o.spec : {};
  const modes = list(spec.accessModes).map(str);
  if (modes.length === 0) p.required(['spec', 'accessModes']);
  const capacity = isObj(spec.capacity) ? spec.capacity : {};
  if (capacity.storage === undefined) p.required(['spec', 'capacity'], 'must specify storage');
  const sources = VOLUME_SOURCES.concat(['local']).filter((s) => spec[s] !== undefined);
  if (sources.length === 0) p.required(['spec'], 'must specify a volume type');
  else if (sources.length > 1) p.add(['spec', sources[1]!], 'Forbidden: may not specify more than 1 volume type');
}

function service(p: Problems, o: Obj) {
  objectMeta(
    p,
    o.metadata,
    (pp, path, name) => {
      if (name.length > 63 || !DNS1035_LABEL.test(name))
        pp.invalid(
          path,
          name,
          "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        );
    },
    true,
  );
  const spec = isObj(o.spec) ? o.spec : {};
  const ports = list(spec.ports);
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') p.required(['spec', 'ports']);
  const names = new Set<string>();
  ports.forEach((port, i) => {
    if (!isObj(port)) return;
    const name = str(port.name);
    if (ports.length > 1 && name === '') p.required(['spec', 'ports', i, 'name']);
    if (name !== '') {
      if (names.has(name)) p.add(['spec', 'ports', i, 'name'], `Duplicate value: ${quote(name)}`);
      names.add(name);
    }
    const number = port.port;
    if (typeof number === 'number' && (number < 1 || number > 65535)) p.invalid(['spec', 'ports', i, 'port'], number, 'must be between 1 and 65535, inclusive');
  });
}

function storageClass(p: Problems, o: Obj) {
  objectMeta(p, o.metadata, dnsSubdomain, false);
  if (str(o.provisioner) === '') p.required(['provisioner']);
  if (o.volumeBindingMode !== undefined && !['Immediate', 'WaitForFirstConsumer'].includes(str(o.volumeBindingMode)))
    p.add(['volumeBindingMode'], `Unsupported value: ${quote(o.volumeBindingMode)}: supported values: "Immediate", "WaitForFirstConsumer"`);
}

const RULES: Record<string, (p: Problems, o: Obj) => void> = {
  StatefulSet: statefulSet,
  PersistentVolumeClaim: persistentVolumeClaim,
  PersistentVolume: persistentVolume,
  Service: service,
  StorageClass: storageClass,
};

/** What the API server's validation would refuse in a decoded, defaulted object of a kind this tool reads. */
export function validateLikeServer(object: Obj): ServerProblem[] {
  const rule = RULES[str(object.kind)];
  if (!rule) return [];
  const p = new Problems();
  rule(p, object);
  return p.all;
}
