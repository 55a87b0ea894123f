// What the snapshot keeps of each object, whether it came from a list or a watch.
import type { ResourceName } from '../kube/resources.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * What the snapshot keeps of each object. Pages are parsed whole, then cut
 * down to the fields the checks, `show` and the repairs read, so retained
 * memory follows what is used, not what the API returns (managedFields,
 * container specs, node image lists are most of a large cluster's JSON).
 */
export function slim<T>(resource: ResourceName, object: T): T {
  const item = object as Loose;
  const meta = item['metadata'];
  // A set keeps who wrote its claim templates and its last-applied copy: its owner is read from them.
  if (meta && resource === 'statefulsets') meta['managedFields'] = templateManagers(meta['managedFields']);
  else if (meta) {
    delete meta['managedFields'];
    if (meta['annotations']) delete meta['annotations']['kubectl.kubernetes.io/last-applied-configuration'];
  }
  switch (resource) {
    case 'pods':
      return <T>{
        metadata: meta,
        spec: {
          nodeName: item['spec']?.['nodeName'],
          volumes: (item['spec']?.['volumes'] ?? []).filter((v: Loose) => v['persistentVolumeClaim']),
          tolerations: item['spec']?.['tolerations'],
        },
        status: { phase: item['status']?.['phase'] },
      };
    case 'nodes':
      // Labels for affinity; readiness, taints and schedulability for where volumes can go (not images or addresses).
      return <T>{
        metadata: {
          name: meta?.['name'],
          uid: meta?.['uid'],
          labels: meta?.['labels'],
          annotations: meta?.['annotations'],
          resourceVersion: meta?.['resourceVersion'],
        },
        spec: { taints: item['spec']?.['taints'], unschedulable: item['spec']?.['unschedulable'] },
        status: {
          conditions: (item['status']?.['conditions'] ?? []).filter((c: Loose) => c['type'] === 'Ready'),
          volumesAttached: item['status']?.['volumesAttached'],
        },
      };
    default:
      return object;
  }
}

/** managedFields cut down to who wrote what of a set's spec.volumeClaimTemplates. */
function templateManagers(entries: Loose[] | undefined): Loose[] | undefined {
  return entries?.map((e) => ({
    manager: e['manager'],
    operation: e['operation'],
    time: e['time'],
    ...(e['subresource'] ? { subresource: e['subresource'] } : {}),
    fieldsV1: e['fieldsV1']?.['f:spec']?.['f:volumeClaimTemplates'] ? { 'f:spec': { 'f:volumeClaimTemplates': {} } } : {},
  }));
}
