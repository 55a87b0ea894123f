import { defineCheck, type FindingDraft } from './check.js';
import { claimRefText, listOf, PLUGIN, setFinding } from './helpers.js';
import { phaseSince } from '../kube/lifecycle.js';
import { parseOrdinalName, templateNames } from '../kube/statefulset.js';
import type { StatefulSet, Volume } from '../kube/types.js';
import { compareText } from '../kube/text-order.js';

interface Held {
  volume: Volume;
  claimName: string;
  ordinal: number;
}

export const stsRetainedVolumes = defineCheck({
  id: 'sts-retained-volumes',
  code: 'STS-016',
  severity: 'warning',
  title: "Retained PVs hold the data of the set's ordinals",
  rationale:
    "When a StatefulSet's claims are deleted (the set deleted with whenDeleted: Delete, a namespace deleted, a move to another namespace) its Retain PVs go Released, and their claimRefs keep the uid of the deleted claims. The binder gives such a PV to no other claim (pv_controller.go syncVolume), so a re-created set's claims of the same names stay Pending (PV-002, PVC-003) or get new, empty volumes from a provisioner, and a set re-created in another namespace or under another name never finds them. The finding names the PVs by ordinal, from their claimRefs, and is an error when the set's claims for them already wait.",
  remediation:
    "`kubectl sts-storage restore STS` reserves each PV for its ordinal's claim (claimRef without the stale uid, reclaimPolicy Retain), refusing the whole restore if any PV does not fit; add `--from-namespace` or `--from-statefulset` when the data comes from elsewhere, and `-f` when the set is not applied yet. Undo puts the claimRefs back. Never clear these claimRefs with `fix-claimref --full`: the set's claims would then bind the PVs in any order, and its ordinals would start on each other's data (when the set itself is gone too, the audit says PV-011 and `fix-claimref PV...` keeps each PV for its ordinal).",
  needs: ['statefulsets', 'persistentvolumeclaims', 'persistentvolumes'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    // One walk over the PVs: a stale claimRef "<template>-<set>-<n>" names a set of its own
    // namespace (claimOwner), or else, in a whole-cluster read, a set of that name elsewhere.
    const byPrefix = new Map<string, StatefulSet[]>();
    for (const sts of snapshot.statefulSets)
      for (const t of templateNames(sts)) byPrefix.set(`${t}-${sts.metadata?.name}`, [...(byPrefix.get(`${t}-${sts.metadata?.name}`) ?? []), sts]);
    const held = new Map<StatefulSet, Map<string, Held[]>>();
    const hold = (sts: StatefulSet, source: string, h: Held) => {
      const bySource = held.get(sts) ?? new Map<string, Held[]>();
      bySource.set(source, [...(bySource.get(source) ?? []), h]);
      held.set(sts, bySource);
    };
    for (const volume of snapshot.volumes) {
      const ref = volume.spec?.claimRef;
      if (!ref?.uid || !ref.name || !ref.namespace || volume.status?.phase === 'Bound') continue;
      const live = snapshot.claim(ref.namespace, ref.name);
      if (live?.metadata?.uid === ref.uid) continue;
      const own = snapshot.claimOwner(ref.namespace, ref.name);
      if (own) {
        hold(own.sts, ref.namespace, { volume, claimName: ref.name, ordinal: own.ordinal });
        continue;
      }
      // Data of a set of this name in another namespace: only when that namespace was read and holds no such set or claim.
      const shape = parseOrdinalName(ref.name);
      if (!shape || live || !snapshot.coversNamespace(ref.namespace)) continue;
      for (const sts of byPrefix.get(shape.prefix) ?? [])
        if (sts.metadata?.namespace !== ref.namespace) hold(sts, ref.namespace, { volume, claimName: ref.name, ordinal: shape.ordinal });
    }
    for (const [sts, bySource] of held) {
      const ns = sts.metadata?.namespace ?? '';
      const set = sts.metadata?.name ?? '';
      for (const [source, list] of [...bySource].sort(([a], [b]) => (a === ns ? -1 : b === ns ? 1 : compareText(a, b)))) {
        list.sort((a, b) => a.ordinal - b.ordinal || compareText(a.claimName, b.claimName));
        const pvs = list.map((h) => h.volume.metadata?.name ?? '');
        const ordinals = listOf([...new Set(list.map((h) => String(h.ordinal)))]);
        const here = source === ns;
        const waiting = here && list.some((h) => snapshot.claim(ns, h.claimName));
        const noun = `${pvs.length === 1 ? 'PV' : 'PVs'} ${listOf(pvs)}`;
        findings.push(
          setFinding(sts, {
            severity: waiting ? 'error' : undefined,
            related: pvs.map((name) => ({ kind: 'PersistentVolume', name })),
            message: here
              ? `${noun} ${pvs.length === 1 ? 'holds' : 'hold'} the data of ${list.length === 1 ? 'ordinal' : 'ordinals'} ${ordinals} of statefulset ${set} (${pvs.length === 1 ? 'its claimRef carries' : 'their claimRefs carry'} the uid of a deleted claim): restore gives each ordinal its own PV back`
              : `${noun} held ${list.length === 1 ? 'claim' : 'claims'} ${listOf(list.map((h) => h.claimName))} of namespace ${source}, which has no statefulset ${set} any more: restore --from-namespace ${source} gives ${list.length === 1 ? 'it to ordinal' : 'them to ordinals'} ${ordinals} of statefulset ${set}`,
            evidence: list.map(
              (h) => `PV ${h.volume.metadata?.name}: ${phaseSince(h.volume, snapshot.now) ?? h.volume.status?.phase ?? 'unknown'}, ${claimRefText(h.volume)}`,
            ),
            fix: {
              command: `${PLUGIN} restore ${set} -n ${ns}${here ? '' : ` --from-namespace ${source}`}`,
              description: 'reserve each PV for the claim of its ordinal',
            },
          }),
        );
      }
    }
    return findings;
  },
});
