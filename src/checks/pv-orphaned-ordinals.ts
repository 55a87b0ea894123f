import { defineCheck, type FindingDraft } from './check.js';
import { claimRefText, commands, listOf, PLUGIN } from './helpers.js';
import { phaseSince } from '../kube/lifecycle.js';
import { orphanedOrdinals } from '../analysis/orphaned-ordinals.js';

export const pvOrphanedOrdinals = defineCheck({
  id: 'pv-orphaned-ordinals',
  code: 'PV-011',
  severity: 'warning',
  title: 'Released PVs hold the ordinals of a StatefulSet that no longer exists',
  rationale:
    "A StatefulSet deleted together with its claims leaves its Retain PVs Released, each claimRef naming the claim of one ordinal (\"<template>-<set>-<n>\") with a deleted uid. Each PV holds that ordinal's data: for a database, one replica's copy. If the claimRefs are cleared entirely (fix-claimref --full), the re-created set's claims bind whichever PV the binder meets first, and ordinals start on each other's data: a replica on another replica's copy, a primary on a stale one.",
  remediation:
    "Keep each PV for its own ordinal: `kubectl sts-storage fix-claimref PV...` removes only the stale uid, so the claim of the same name, which the re-applied set creates, binds exactly that PV. Or, with the set's manifest, `kubectl sts-storage restore SET -n NS -f SET.yaml`, which also checks that each PV fits its template. Never clear the claimRefs with `--full`.",
  needs: ['persistentvolumes', 'persistentvolumeclaims', 'statefulsets'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    // Files alone cannot say a set no longer exists in the cluster.
    if (snapshot.source === 'manifests') return findings;
    for (const group of orphanedOrdinals(snapshot)) {
      const [first, ...rest] = group.members;
      const pvs = group.members.map((m) => m.volume.metadata?.name ?? '');
      const ordinals = group.members.map((m) => m.ordinal);
      const span =
        ordinals.length > 2 && ordinals.every((o, i) => i === 0 || o === ordinals[i - 1]! + 1)
          ? `${ordinals[0]}–${ordinals.at(-1)}`
          : listOf(ordinals.map(String));
      // Only a name that splits one way names the set for sure.
      const split = group.splits.length === 1 ? group.splits[0]! : undefined;
      const whose = split
        ? `of StatefulSet ${split.set}, template ${split.template}, which no longer exists in namespace ${group.namespace}`
        : `of a StatefulSet that no longer exists in namespace ${group.namespace} (claims ${group.prefix}-<n>)`;
      const restore = split
        ? `${PLUGIN} restore ${split.set} -n ${group.namespace} -f ${split.set}.yaml`
        : `${PLUGIN} restore SET -n ${group.namespace} -f SET.yaml`;
      findings.push({
        object: { kind: 'PersistentVolume', name: first!.volume.metadata?.name ?? '' },
        related: [
          ...rest.map((m) => ({ kind: 'PersistentVolume', name: m.volume.metadata?.name ?? '' })),
          ...group.members.map((m) => ({ kind: 'PersistentVolumeClaim', namespace: group.namespace, name: m.claim })),
        ],
        message: `${pvs.length === 1 ? 'PV' : 'PVs'} ${listOf(pvs)} ${pvs.length === 1 ? 'holds ordinal' : 'hold ordinals'} ${span} ${whose}: keep each PV for its own ordinal`,
        evidence: [
          ...group.members.map(
            (m) => `ordinal ${m.ordinal}: PV ${m.volume.metadata?.name} (${phaseSince(m.volume, snapshot.now) ?? 'Released'}), ${claimRefText(m.volume)}`,
          ),
          ...(split
            ? []
            : [
                `"${group.prefix}" splits into a template and a set name ${group.splits.length} ways: ${group.splits.map((s) => `${s.template} + ${s.set}`).join(', ')}`,
              ]),
          `or, with the set's manifest: ${restore}`,
          "fix-claimref --full would let any claim bind any of them: the re-created ordinals would get each other's data",
        ],
        fix: {
          command: commands.fixClaimRef(...pvs),
          description: `keep each PV reserved for the claim of its own ordinal (${group.members.map((m) => `${m.claim} → ${m.volume.metadata?.name}`).join(', ')}), without the deleted claims' uids`,
        },
      });
    }
    return findings;
  },
});
