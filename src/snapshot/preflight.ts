// --preflight: "what happens when I apply this?" The manifests are laid over
// the cluster's snapshot as `kubectl apply` would lay them, and the claims the
// StatefulSets will create are added as Pending claims, so the same checks
// predict what the binder will do with them (no PV, missing class, the seed
// 002 stale-claimRef trap) before anything is applied.
import type { Claim, KubeObject, StatefulSet } from '../kube/types.js';
import { keyOf, objectKey } from '../kube/types.js';
import { claimHasClass } from '../kube/binding.js';
import { claimNameFor, ordinalsInRange } from '../kube/statefulset.js';
import { ClusterSnapshot, type SnapshotData, type SourceLocation } from './cluster-snapshot.js';
import { snapshotFromObjects } from './from-objects.js';
import { canProvision, effectiveClass, matchVolumes, pendingCause } from '../checks/claim-analysis.js';

export const PREDICTED_ANNOTATION = 'sts-storage.kubectl.io/predicted';

export interface ClaimPrediction {
  statefulSet: string;
  claim: string;
  ordinal: number;
  outcome: 'reuses-existing' | 'binds' | 'provisions' | 'waits-for-consumer' | 'stays-pending';
  detail: string;
}

const FIELD: Record<string, keyof SnapshotData> = {
  StatefulSet: 'statefulSets',
  PersistentVolumeClaim: 'claims',
  PersistentVolume: 'volumes',
  StorageClass: 'storageClasses',
  Pod: 'pods',
  Node: 'nodes',
  Service: 'services',
};

export function mergeForPreflight(cluster: ClusterSnapshot, objects: KubeObject[], locations: Map<KubeObject, SourceLocation>): { snapshot: ClusterSnapshot; predictions: ClaimPrediction[] } {
  const fromFiles = snapshotFromObjects(objects);
  const data: SnapshotData = { ...cluster, locations: new Map(locations), liveStatefulSets: new Map() };
  for (const [kind, field] of Object.entries(FIELD)) {
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
    for (const ordinal of ordinalsInRange(sts)) {
      for (const template of sts.spec?.volumeClaimTemplates ?? []) {
        const name = claimNameFor(template.metadata?.name ?? '', sts.metadata?.name ?? '', ordinal);
        if (base.claim(sts.metadata?.namespace, name)) continue;
        const spec = structuredClone(template.spec ?? {});
        // The DefaultStorageClass admission plugin sets the class at create.
        if (!claimHasClass(template) && base.defaultClass()) spec.storageClassName = base.defaultClass()!.metadata?.name;
        const claim: Claim = {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name, namespace: sts.metadata?.namespace, uid: `predicted:${keyOf(sts.metadata?.namespace, name)}`, annotations: { [PREDICTED_ANNOTATION]: 'true' }, labels: template.metadata?.labels },
          spec,
          status: { phase: 'Pending' },
        };
        predicted.push(claim);
        if (loc) data.locations!.set(claim, loc);
      }
    }
  }
  data.claims = [...data.claims, ...predicted];
  const snapshot = new ClusterSnapshot(data);
  return { snapshot, predictions: predict(snapshot, fromFiles.statefulSets) };
}

function predict(snapshot: ClusterSnapshot, sets: StatefulSet[]): ClaimPrediction[] {
  const out: ClaimPrediction[] = [];
  for (const sts of sets) {
    for (const ordinal of ordinalsInRange(sts)) {
      for (const template of sts.spec?.volumeClaimTemplates ?? []) {
        const name = claimNameFor(template.metadata?.name ?? '', sts.metadata?.name ?? '', ordinal);
        const claim = snapshot.claim(sts.metadata?.namespace, name)!;
        const p = { statefulSet: keyOf(sts.metadata?.namespace, sts.metadata?.name), claim: name, ordinal };
        if (claim.metadata?.annotations?.[PREDICTED_ANNOTATION] !== 'true') {
          out.push({ ...p, outcome: 'reuses-existing', detail: `claim exists (${claim.status?.phase ?? 'unknown'}${claim.spec?.volumeName ? `, PV ${claim.spec.volumeName}` : ''}); the controller reuses it as it is` });
          continue;
        }
        const cause = pendingCause(snapshot, claim);
        if (cause) {
          out.push({ ...p, outcome: 'stays-pending', detail: `will stay Pending: see ${cause} on claim ${name}` });
          continue;
        }
        const cls = effectiveClass(snapshot, claim);
        const match = snapshot.has('persistentvolumes') ? matchVolumes(snapshot, claim).matches : [];
        if (cls.storageClass?.volumeBindingMode === 'WaitForFirstConsumer') out.push({ ...p, outcome: 'waits-for-consumer', detail: `StorageClass ${cls.name} binds when pod ${sts.metadata?.name}-${ordinal} is scheduled` });
        else if (match.length > 0) out.push({ ...p, outcome: 'binds', detail: `binds Available PV ${match[0]!.metadata?.name}` });
        else if (canProvision(cls)) out.push({ ...p, outcome: 'provisions', detail: `provisioned by ${cls.storageClass?.provisioner} (StorageClass ${cls.name}${cls.defaulted ? ', the default' : ''})` });
        else out.push({ ...p, outcome: 'stays-pending', detail: 'no PV matches and no StorageClass provisions it' });
      }
    }
  }
  return out;
}
