// restore: give a StatefulSet its retained volumes back, one PV per ordinal,
// before the set exists, under another name or in another namespace. Each PV
// is reserved for the claim its ordinal will have (planPrebind: a claimRef
// with namespace/name and no uid, the stale uid and resourceVersion dropped),
// and a reclaimPolicy of Delete becomes Retain in the same write. The restore
// is all or nothing: one problem refuses every PV before any write, because a
// set that gets some ordinals' data and fresh disks for others is worse than
// one not started.
import type { Claim, Node, StorageClass, Volume } from '../kube/types.js';
import { requirementsOf, requirementsOfNewClaim } from '../kube/binding.js';
import { claimNameFor, parseOrdinalClaimName, type ClaimTemplate } from '../kube/statefulset.js';
import { planPrebind } from './prebind.js';
import { dropChangesIfRefused, type Plan, type PlannedChange, type Refusal } from './plan.js';
import { compareText } from '../kube/text-order.js';

/** A PV and the ordinal (of one template) whose data it holds. */
export interface RestoreSource {
  volume: Volume;
  template: string;
  ordinal: number;
}

export interface RestoreTarget {
  namespace: string;
  name: string;
  /** the set's templates, when the live set or a manifest says them */
  templates?: Map<string, ClaimTemplate>;
  /** ordinals.start and replicas, when the set is known */
  start: number;
  replicas?: number;
}

export interface RestoreInput {
  target: RestoreTarget;
  sources: RestoreSource[];
  /** live claims of the target namespace, by name */
  claims: Map<string, Claim>;
  /** the live claim each PV's claimRef names now, by PV name */
  currentClaims: Map<string, Claim>;
  classes: StorageClass[];
  nodes?: Node[];
}

/** PVs whose claimRef names an ordinal claim "<template>-<set>-<n>" of a namespace: where a deleted set's data waits. */
export function volumesByClaimRef(volumes: Volume[], namespace: string, set: string, templates: string[] | undefined): RestoreSource[] {
  const out: RestoreSource[] = [];
  for (const volume of volumes) {
    const ref = volume.spec?.claimRef;
    if (!ref?.name || ref.namespace !== namespace) continue;
    const hit = parseOrdinalClaimName(ref.name, set);
    if (hit && (!templates || templates.includes(hit.template))) out.push({ volume, ...hit });
  }
  return out;
}

export function planVolumeRestore(input: RestoreInput, command: string): Plan & { warnings: string[] } {
  const { target } = input;
  const plan: Plan & { warnings: string[] } = { command, changes: [], refusals: [], warnings: [], atomic: true };
  const sorted = [...input.sources].sort((a, b) => compareText(a.template, b.template) || a.ordinal - b.ordinal);
  const bySlot = new Map<string, RestoreSource[]>();
  for (const s of sorted) bySlot.set(`${s.template}/${s.ordinal}`, [...(bySlot.get(`${s.template}/${s.ordinal}`) ?? []), s]);

  for (const [, slot] of bySlot) {
    const { template, ordinal } = slot[0]!;
    const claimName = claimNameFor(template, target.name, ordinal);
    if (slot.length > 1) {
      const names = slot.map((s) => s.volume.metadata?.name ?? '');
      for (const name of names)
        plan.refusals.push({
          target: { kind: 'PersistentVolume', name },
          reasons: [`PVs ${names.join(' and ')} both hold ordinal ${ordinal} (claim ${claimName}): name the one to restore with --volumes`],
        });
      continue;
    }
    const { volume } = slot[0]!;
    const known = target.templates?.get(template);
    if (target.templates && !known) {
      plan.refusals.push({
        target: { kind: 'PersistentVolume', name: volume.metadata?.name ?? '' },
        reasons: [`statefulset ${target.name} has no volumeClaimTemplate "${template}" (templates: ${[...target.templates.keys()].join(', ')})`],
      });
      continue;
    }
    const live = input.claims.get(claimName);
    const claim = { namespace: target.namespace, name: claimName };
    const requirements = live ? requirementsOf(live) : known ? requirementsOfNewClaim(known, claim, input.classes) : undefined;
    const result: PlannedChange | Refusal = planPrebind({
      volume,
      target: claim,
      requirements,
      claim: live,
      currentClaim: input.currentClaims.get(volume.metadata?.name ?? ''),
      nodes: input.nodes,
      force: false,
      forceable: false,
      retain: true,
    });
    if ('steps' in result) {
      result.summary = `ordinal ${ordinal}: ${result.summary}`;
      plan.changes.push(result);
    } else plan.refusals.push(result);
  }

  if (target.replicas !== undefined && target.templates) {
    for (const template of target.templates.keys())
      for (let ordinal = target.start; ordinal < target.start + target.replicas; ordinal++)
        if (!bySlot.has(`${template}/${ordinal}`))
          plan.warnings.push(
            `ordinal ${ordinal} (claim ${claimNameFor(template, target.name, ordinal)}) has no PV to restore: the StatefulSet creates a new, empty claim for it`,
          );
    const beyond = sorted.filter((s) => s.ordinal >= target.start + target.replicas!);
    for (const s of beyond)
      plan.warnings.push(
        `ordinal ${s.ordinal} is beyond replicas ${target.replicas}: claim ${claimNameFor(s.template, target.name, s.ordinal)} binds PV ${s.volume.metadata?.name} on a scale-up to ${s.ordinal - target.start + 1}`,
      );
  }

  dropChangesIfRefused(
    plan,
    (planned) => `nothing is changed while any PV is refused (${planned} other PV(s) could be restored): fix each problem, or leave the PV out with --volumes`,
  );
  return plan;
}
