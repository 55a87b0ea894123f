// Builders for the objects the scenarios create.
export function statefulSet(
  name: string,
  opts: {
    mount?: string;
    template?: string;
    replicas?: number;
    storageClassName?: string | null;
    serviceName?: string;
    parallel?: boolean;
    size?: string;
  } = {},
) {
  const template = opts.template ?? 'data';
  const spec: Record<string, unknown> = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: opts.size ?? '1Gi' } } };
  if (opts.storageClassName !== undefined && opts.storageClassName !== null) spec['storageClassName'] = opts.storageClassName;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      serviceName: opts.serviceName ?? name,
      replicas: opts.replicas ?? 1,
      podManagementPolicy: opts.parallel ? 'Parallel' : 'OrderedReady',
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image: 'registry.invalid/app:1', volumeMounts: [{ name: opts.mount ?? template, mountPath: '/data' }] }] },
      },
      volumeClaimTemplates: [{ metadata: { name: template }, spec }],
    },
  };
}

/**
 * A PV for one test. The integration tests share one control plane and run
 * at once, and the binder gives a free PV to any Pending claim it fits: so
 * every PV is reserved for this test, by a class of its own or a claimRef
 * into its namespace, or the helper refuses to build it (one such PV, 1Gi
 * and class "", once went to another test's data-web-0).
 */
export function volume(
  name: string,
  opts: {
    size?: string;
    accessModes?: string[];
    storageClassName?: string;
    claimRef?: { namespace: string; name: string };
    reclaim?: string;
    nodeAffinityHost?: string;
    labels?: Record<string, string>;
  } = {},
) {
  if (!opts.storageClassName && !opts.claimRef)
    throw new Error(`volume(${name}): give it a storageClassName or a claimRef of this test's own, or another test's claim may bind it`);
  const spec: Record<string, unknown> = {
    capacity: { storage: opts.size ?? '1Gi' },
    accessModes: opts.accessModes ?? ['ReadWriteOnce'],
    persistentVolumeReclaimPolicy: opts.reclaim ?? 'Retain',
    storageClassName: opts.storageClassName ?? '',
    hostPath: { path: `/tmp/sts-storage-test/${name}` },
  };
  if (opts.claimRef) spec['claimRef'] = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...opts.claimRef };
  if (opts.nodeAffinityHost) {
    delete spec['hostPath'];
    spec['local'] = { path: `/mnt/disks/${name}` };
    spec['nodeAffinity'] = {
      required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [opts.nodeAffinityHost] }] }] },
    };
  }
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, labels: opts.labels }, spec };
}

export function claim(name: string, opts: { size?: string; accessModes?: string[]; storageClassName?: string | null; volumeName?: string } = {}) {
  const spec: Record<string, unknown> = { accessModes: opts.accessModes ?? ['ReadWriteOnce'], resources: { requests: { storage: opts.size ?? '1Gi' } } };
  if (opts.storageClassName !== null) spec['storageClassName'] = opts.storageClassName ?? '';
  if (opts.volumeName) spec['volumeName'] = opts.volumeName;
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec };
}

export function storageClass(name: string, opts: { provisioner?: string; isDefault?: boolean; waitForFirstConsumer?: boolean } = {}) {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, annotations: opts.isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {} },
    provisioner: opts.provisioner ?? 'kubernetes.io/no-provisioner',
    volumeBindingMode: opts.waitForFirstConsumer ? 'WaitForFirstConsumer' : 'Immediate',
    reclaimPolicy: 'Retain',
  };
}

export function pod(name: string, claimName: string, opts: { nodeSelector?: Record<string, string>; nodeName?: string } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      containers: [{ name: 'main', image: 'registry.invalid/app:1', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
      ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
      ...(opts.nodeName ? { nodeName: opts.nodeName } : {}),
    },
  };
}
