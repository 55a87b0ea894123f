// StatefulSet semantics from pkg/controller/statefulset/stateful_set_utils.go.
import { distance } from 'fastest-levenshtein';
import type { PodSpec, StatefulSet } from './types.js';
import { compareText } from './text-order.js';

/** getPersistentVolumeClaimName: "<template>-<set>-<ordinal>". */
export function claimNameFor(template: string, set: string, ordinal: number): string {
  return `${template}-${set}-${ordinal}`;
}

/** getStartOrdinal (spec.ordinals.start, default 0). */
export function startOrdinal(sts: StatefulSet): number {
  return sts.spec?.ordinals?.start ?? 0;
}

/** replicas defaults to 1 when unset. */
export function replicasOf(sts: StatefulSet): number {
  return sts.spec?.replicas ?? 1;
}

/** Ordinals in [start, start + replicas). */
export function ordinalsInRange(sts: StatefulSet): number[] {
  const start = startOrdinal(sts);
  return Array.from({ length: replicasOf(sts) }, (_, i) => start + i);
}

export function isOrdinalInRange(sts: StatefulSet, ordinal: number): boolean {
  const start = startOrdinal(sts);
  return ordinal >= start && ordinal < start + replicasOf(sts);
}

export type ClaimTemplate = NonNullable<NonNullable<StatefulSet['spec']>['volumeClaimTemplates']>[number];

export interface OrdinalClaim {
  ordinal: number;
  template: ClaimTemplate;
  templateName: string;
  claimName: string;
}

/**
 * The claims the controller creates for a set: one per template for each
 * ordinal (getPersistentVolumeClaims), the ordinals in range unless given.
 */
export function* ordinalClaims(sts: StatefulSet, ordinals: number[] = ordinalsInRange(sts)): Generator<OrdinalClaim> {
  const set = sts.metadata?.name ?? '';
  for (const ordinal of ordinals) {
    for (const template of sts.spec?.volumeClaimTemplates ?? []) {
      const templateName = template.metadata?.name ?? '';
      if (templateName === '') continue;
      yield { ordinal, template, templateName, claimName: claimNameFor(templateName, set, ordinal) };
    }
  }
}

export function templateNames(sts: StatefulSet): string[] {
  return (sts.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name ?? '').filter((n) => n !== '');
}

/** If the claim name is "<template>-<set>-<n>" for one of the set's templates, the ordinal. */
export function ordinalOfClaim(sts: StatefulSet, claimName: string): { template: string; ordinal: number } | undefined {
  const set = sts.metadata?.name ?? '';
  for (const template of templateNames(sts)) {
    const prefix = `${template}-${set}-`;
    if (claimName.startsWith(prefix)) {
      const rest = claimName.slice(prefix.length);
      if (/^(0|[1-9]\d*)$/.test(rest)) return { template, ordinal: Number(rest) };
    }
  }
  return undefined;
}

/**
 * "<prefix>-<n>": a name shaped like a StatefulSet ordinal's claim
 * ("<template>-<set>-<n>", the prefix being "<template>-<set>"), with n written
 * as the controller writes it (no sign, no leading zero).
 */
export function parseOrdinalName(name: string): { prefix: string; ordinal: number } | undefined {
  const m = /^(.+)-(0|[1-9][0-9]*)$/.exec(name);
  return m ? { prefix: m[1]!, ordinal: Number(m[2]) } : undefined;
}

/**
 * The template and ordinal of "<template>-<set>-<n>" knowing only the set's
 * name: how the claimRefs of a deleted set's PVs name their ordinals.
 */
export function parseOrdinalClaimName(claimName: string, set: string): { template: string; ordinal: number } | undefined {
  const suffix = `-${set}-`;
  const at = claimName.lastIndexOf(suffix);
  if (at <= 0) return undefined;
  const rest = claimName.slice(at + suffix.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? { template: claimName.slice(0, at), ordinal: Number(rest) } : undefined;
}

/** A pod belongs to the set when its name parses as "<set>-<n>" (statefulPodRegex) and the set owns it. */
export function ordinalOfPod(sts: StatefulSet, podName: string): number | undefined {
  const m = /^(.*)-([0-9]+)$/.exec(podName);
  if (!m || m[1] !== sts.metadata?.name) return undefined;
  return Number(m[2]);
}

export interface ContainerMount {
  container: string;
  containerKind: 'containers' | 'initContainers' | 'ephemeralContainers';
  index: number;
  mountIndex: number;
  field: 'volumeMounts' | 'volumeDevices';
  name: string;
}

/** Every volumeMount and volumeDevice of every container, init container (restartable sidecars included). */
export function mountsOf(spec: PodSpec | undefined): ContainerMount[] {
  const out: ContainerMount[] = [];
  const kinds = ['initContainers', 'containers', 'ephemeralContainers'] as const;
  for (const containerKind of kinds) {
    // Up to 1.33 the API server stored a StatefulSet's pod template unvalidated:
    // a container or a mount may lack its name.
    const containers = (spec?.[containerKind] ?? []) as Array<{
      name?: string;
      volumeMounts?: Array<{ name?: string } | null>;
      volumeDevices?: Array<{ name?: string } | null>;
    } | null>;
    containers.forEach((c, index) => {
      for (const field of ['volumeMounts', 'volumeDevices'] as const) {
        (c?.[field] ?? []).forEach((m, mountIndex) => {
          out.push({ container: c?.name ?? '', containerKind, index, mountIndex, field, name: m?.name ?? '' });
        });
      }
    });
  }
  return out;
}

export function fieldPathOf(m: ContainerMount): string {
  return `spec.template.spec.${m.containerKind}[${m.index}].${m.field}[${m.mountIndex}].name`;
}

/** The template name a mistyped mount most likely meant: substring first, then edit distance. */
export function closestName(name: string, candidates: string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const contains = candidates.filter((c) => c.includes(name) || name.includes(c));
  const pool = contains.length > 0 ? contains : candidates;
  return [...pool].sort((a, b) => distance(a, name) - distance(b, name) || compareText(a, b))[0];
}
