// --preflight: "what happens when I apply this?" The manifests are laid over
// the cluster's snapshot as `kubectl apply` would lay them, and the claims the
// StatefulSets will create are added as Pending claims, so the same checks
// predict what the binder will do with them (no PV, missing class, the seed
// 002 stale-claimRef trap) before anything is applied; analysis/predict-claims.ts
// says what happens to each claim.
import type { Claim, KubeObject, StatefulSet } from '../kube/types.js';
import { objectKey } from '../kube/types.js';
import { KINDS } from '../kube/resources.js';
import { claimHasClass } from '../kube/binding.js';
import { ordinalClaims } from '../kube/statefulset.js';
import { ClusterSnapshot, type SnapshotData, type SourceLocation } from './cluster-snapshot.js';
import { snapshotFromObjects } from './from-objects.js';

export const PREDICTED_ANNOTATION = 'sts-storage.kubectl.io/predicted';

/** The manifests laid over the cluster, with the claims their StatefulSets will create; and those StatefulSets. */
export function mergeForPreflight(
  cluster: ClusterSnapshot,
  objects: KubeObject[],
  locations: Map<KubeObject, SourceLocation>,
  /** the namespaces to report on (the manifests'); undefined: as the cluster was read */
  namespaces?: string[],
): { snapshot: ClusterSnapshot; statefulSets: StatefulSet[] } {
  const fromFiles = snapshotFromObjects(objects);
  const data: SnapshotData = { ...cluster, locations: new Map(locations), liveStatefulSets: new Map(), ...(namespaces ? { namespaces } : {}) };
  for (const { kind, field } of KINDS.filter((k) => k.inManifests)) {
    const incoming = fromFiles[field] as KubeObject[];
    if (incoming.length === 0) continue;
    const replaced = new Set(incoming.map(objectKey));
    const current = cluster[field] as KubeObject[];
    if (kind === 'StatefulSet') for (const live of current) if (replaced.has(objectKey(live))) data.liveStatefulSets!.set(objectKey(live), live as StatefulSet);
    (data[field] as KubeObject[]) = [...current.filter((o) => !replaced.has(objectKey(o))), ...incoming];
  }
  // The claims the StatefulSet controller will create for the new sets.
  const base = new ClusterSnapshot(data);
  const predicted: Claim[] = [];
  for (const sts of fromFiles.statefulSets) {
    const loc = locations.get(sts);
    for (const { template, claimName: name } of ordinalClaims(sts)) {
      if (base.claim(sts.metadata?.namespace, name)) continue;
      const spec = structuredClone(template.spec ?? {});
      // The DefaultStorageClass admission plugin sets the class at create.
      if (!claimHasClass(template) && base.defaultClass()) spec.storageClassName = base.defaultClass()!.metadata?.name;
      const claim: Claim = {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name,
          namespace: sts.metadata?.namespace,
          // Never equal to a real uid; said as it is wherever a check quotes a claim's uid.
          uid: '(not created yet)',
          annotations: { [PREDICTED_ANNOTATION]: 'true' },
          labels: template.metadata?.labels,
        },
        spec,
        status: { phase: 'Pending' },
      };
      predicted.push(claim);
      if (loc) data.locations!.set(claim, loc);
    }
  }
  data.claims = [...data.claims, ...predicted];
  const snapshot = new ClusterSnapshot(data);
  return { snapshot, statefulSets: fromFiles.statefulSets };
}
