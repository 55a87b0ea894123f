// A StatefulSet deleted together with its claims (a botched re-deploy, a
// namespace emptied by hand) leaves its Retain PVs Released, each claimRef
// naming "<template>-<set>-<ordinal>" with the uid of a deleted claim. With the
// set gone, nothing in the cluster says these PVs are ordinals: only their
// claimRefs do. Grouped here by namespace and "<template>-<set>" so the audit
// can say whose data they hold, and so its advice keeps each PV for its own
// ordinal: clearing a claimRef entirely (fix-claimref --full) lets the
// re-created set's claims bind them in any order, handing ordinals each
// other's data.
import type { Volume } from '../kube/types.js';
import { parseOrdinalName } from '../kube/statefulset.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import { compareText } from '../kube/text-order.js';

export interface OrdinalVolume {
  volume: Volume;
  claim: string;
  ordinal: number;
}

export interface OrphanedOrdinals {
  namespace: string;
  /** "<template>-<set>": the claims were named prefix-0, prefix-1, … */
  prefix: string;
  /** the ways "<template>-<set>" splits into a template and a set name */
  splits: Array<{ template: string; set: string }>;
  members: OrdinalVolume[];
}

/**
 * Released PVs whose stale claimRef names an ordinal-shaped claim that no
 * longer exists and that no live StatefulSet of that namespace would create,
 * grouped by the set they came from; ordinals in order.
 */
export function orphanedOrdinals(snapshot: ClusterSnapshot): OrphanedOrdinals[] {
  const groups = new Map<string, OrphanedOrdinals>();
  for (const volume of snapshot.volumes) {
    const ref = volume.spec?.claimRef;
    if (volume.status?.phase !== 'Released' || !ref?.uid || !ref.name || !ref.namespace) continue;
    if (!snapshot.coversNamespace(ref.namespace) || snapshot.claim(ref.namespace, ref.name)) continue;
    if (snapshot.claimOwner(ref.namespace, ref.name)) continue; // a live set's: STS-016
    const shape = parseOrdinalName(ref.name);
    if (!shape) continue;
    const key = `${ref.namespace}/${shape.prefix}`;
    const group = groups.get(key) ?? { namespace: ref.namespace, prefix: shape.prefix, splits: splitsOf(shape.prefix), members: [] };
    group.members.push({ volume, claim: ref.name, ordinal: shape.ordinal });
    groups.set(key, group);
  }
  for (const g of groups.values()) g.members.sort((a, b) => a.ordinal - b.ordinal || compareText(a.volume.metadata?.name ?? '', b.volume.metadata?.name ?? ''));
  return [...groups.values()].sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.prefix, b.prefix));
}

/** "data-web" is template data of set web; "pvc-db-data-db" splits three ways. */
function splitsOf(prefix: string): Array<{ template: string; set: string }> {
  const out: Array<{ template: string; set: string }> = [];
  for (let i = prefix.indexOf('-'); i > 0 && i < prefix.length - 1; i = prefix.indexOf('-', i + 1))
    out.push({ template: prefix.slice(0, i), set: prefix.slice(i + 1) });
  return out;
}
