// resize: grow a StatefulSet's volumes, the change the API server refuses on
// volumeClaimTemplates. Each existing claim of the template gets the larger
// request (the PersistentVolumeClaimResize admission plugin and ResourceQuota
// judge each patch), then the set is re-created with the larger template by an
// orphaning delete (recreate.ts), so new ordinals get the new size.
// Everything the API server would refuse is refused here first, for the whole
// plan: a set whose claims are half grown is the state users write by hand today.
import type { Claim, StatefulSet, StorageClass } from '../kube/types.js';
import { claimClass, requestOf } from '../kube/binding.js';
import { allowsExpansion, expansionState, RESIZE_FORBIDDEN } from '../kube/expansion.js';
import { formatBytes, parseQuantity } from '../kube/quantity.js';
import { ordinalOfClaim } from '../kube/statefulset.js';
import { planRecreate } from './recreate.js';
import type { OwnerVerdict } from './owner-policy.js';
import { dropChangesIfRefused, type Plan } from './plan.js';
import { planClaimRequest } from './claim-request.js';

/** The parts of a ResourceQuota and a LimitRange the preflight reads. */
export interface Quota {
  metadata?: { name?: string };
  spec?: { hard?: Record<string, string> };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}
export interface LimitRange {
  metadata?: { name?: string };
  spec?: { limits?: Array<{ type?: string; max?: Record<string, string>; min?: Record<string, string> }> };
}

export interface ResizeInput {
  sts: StatefulSet;
  template: string;
  size: string;
  /** the namespace's claims */
  claims: Claim[];
  classes: StorageClass[];
  quotas: Quota[];
  limitRanges: LimitRange[];
  /** what the set's owner allows, and must change to stay in step */
  owner?: OwnerVerdict;
}

export const CANNOT_SHRINK = 'claims cannot shrink: Kubernetes lowers a request only to recover a failed expansion, and never to status.capacity or below';

/** The template's existing claims, by ordinal. */
export function claimsOfTemplate(sts: StatefulSet, template: string, claims: Claim[]): Claim[] {
  return claims
    .filter((c) => c.metadata?.namespace === sts.metadata?.namespace && ordinalOfClaim(sts, c.metadata?.name ?? '')?.template === template)
    .sort((a, b) => ordinalOfClaim(sts, a.metadata?.name ?? '')!.ordinal - ordinalOfClaim(sts, b.metadata?.name ?? '')!.ordinal);
}

/** Why the API server would refuse growing this claim, or why it must not be touched now. */
function claimProblems(claim: Claim, classes: StorageClass[]): string[] {
  const problems: string[] = [];
  const className = claimClass(claim);
  const sc = classes.find((c) => c.metadata?.name === className);
  if (className === '') problems.push(`it has no StorageClass (a static PV): ${RESIZE_FORBIDDEN}`);
  else if (!sc) problems.push(`its StorageClass ${className} does not exist: ${RESIZE_FORBIDDEN}`);
  else if (!allowsExpansion(sc))
    problems.push(
      `StorageClass ${className} does not allow expansion: set allowVolumeExpansion: true on it if its driver can expand volumes (kubectl patch storageclass ${className} -p '{"allowVolumeExpansion":true}')`,
    );
  if (claim.status?.phase !== 'Bound') problems.push(`it is ${claim.status?.phase ?? 'not Bound'}: only bound persistent volume claims can be expanded`);
  const state = expansionState(claim);
  if (state.midResize)
    problems.push(
      `it is mid-resize (asks for ${formatBytes(state.request)}, has ${formatBytes(state.capacity)}${state.status ? `, ${state.status}` : ''}${state.conditions.length ? `, ${state.conditions.map((c) => c.type).join(', ')}` : ''}): let it finish${state.infeasible ? ', or recover with recover-expansion' : ''}`,
    );
  return problems;
}

/** ResourceQuota headroom for the growth: requests.storage and <class>.storageclass.storage.k8s.io/requests.storage. */
function quotaProblems(growth: Array<{ claim: Claim; by: number }>, quotas: Quota[]): { problems: string[]; unknown: string[] } {
  const problems: string[] = [];
  const unknown: string[] = [];
  const byKey = new Map<string, number>();
  for (const g of growth) {
    byKey.set('requests.storage', (byKey.get('requests.storage') ?? 0) + g.by);
    const key = `${claimClass(g.claim)}.storageclass.storage.k8s.io/requests.storage`;
    byKey.set(key, (byKey.get(key) ?? 0) + g.by);
  }
  for (const q of quotas) {
    const hard = q.status?.hard ?? q.spec?.hard ?? {};
    for (const [key, grow] of byKey) {
      const limit = parseQuantity(hard[key]);
      if (limit === undefined) continue;
      const used = parseQuantity(q.status?.used?.[key]);
      if (used === undefined) {
        unknown.push(`ResourceQuota ${q.metadata?.name} limits ${key} to ${hard[key]} but reports no usage yet: the API server will judge each claim`);
        continue;
      }
      if (used + grow > limit)
        problems.push(
          `ResourceQuota ${q.metadata?.name}: ${key} used ${formatBytes(used)} + ${formatBytes(grow)} more exceeds its hard limit ${hard[key]} (the API server refuses with "exceeded quota")`,
        );
    }
  }
  return { problems, unknown };
}

function limitProblems(size: number, sizeText: string, ranges: LimitRange[]): string[] {
  const problems: string[] = [];
  for (const r of ranges)
    for (const l of r.spec?.limits ?? []) {
      if (l.type !== 'PersistentVolumeClaim') continue;
      const max = parseQuantity(l.max?.['storage']);
      if (max !== undefined && size > max) problems.push(`LimitRange ${r.metadata?.name} allows claims of at most ${l.max!['storage']}, not ${sizeText}`);
    }
  return problems;
}

export function planResize(input: ResizeInput, command: string): Plan & { warnings: string[] } {
  const { sts, template, size: sizeText } = input;
  const size = parseQuantity(sizeText)!;
  const plan: Plan & { warnings: string[] } = { command, changes: [], refusals: [], warnings: [], atomic: true };
  const setName = sts.metadata?.name ?? '';
  const claims = claimsOfTemplate(sts, template, input.claims);
  const growth: Array<{ claim: Claim; by: number }> = [];
  for (const claim of claims) {
    const request = requestOf(claim.spec) ?? 0;
    const name = claim.metadata?.name ?? '';
    if (request >= size) {
      plan.refusals.push({
        target: { kind: 'PersistentVolumeClaim', namespace: claim.metadata?.namespace, name },
        reasons: [`it already asks for ${formatBytes(request)}`],
        noop: true,
      });
      continue;
    }
    const problems = claimProblems(claim, input.classes);
    if (problems.length > 0) {
      plan.refusals.push({ target: { kind: 'PersistentVolumeClaim', namespace: claim.metadata?.namespace, name }, reasons: problems });
      continue;
    }
    growth.push({ claim, by: size - request });
    plan.changes.push(
      planClaimRequest(claim, sizeText, {
        summary: `grow claim ${name} from ${formatBytes(request)} to ${sizeText}`,
        warnings: [],
        notes: ["the volume-expand controller hands it to the CSI driver's resizer; the kubelet then grows the file system where a pod mounts it"],
        irreversible: `${CANNOT_SHRINK}: claim ${name} keeps its ${sizeText} request`,
      }),
    );
  }
  const setTarget = { kind: 'StatefulSet', namespace: sts.metadata?.namespace, name: setName };
  const quota = quotaProblems(growth, input.quotas);
  plan.warnings.push(...quota.unknown);
  const setProblems = [...(input.owner?.refusals ?? []), ...quota.problems, ...limitProblems(size, sizeText, input.limitRanges)];
  if (input.owner?.owner) plan.owner = input.owner.owner;
  plan.warnings.push(...(input.owner?.warnings ?? []));
  if (input.owner?.nextSteps.length) plan.nextSteps = input.owner.nextSteps;
  if (setProblems.length > 0) plan.refusals.push({ target: setTarget, reasons: setProblems });

  const index = (sts.spec?.volumeClaimTemplates ?? []).findIndex((t) => t.metadata?.name === template);
  const current = requestOf(sts.spec!.volumeClaimTemplates![index]!.spec);
  if (current !== undefined && current >= size) {
    plan.refusals.push({ target: setTarget, reasons: [`volumeClaimTemplate ${template} already asks for ${formatBytes(current)}`], noop: true });
  } else {
    const replace = planRecreate(
      sts,
      (set) => {
        const t = set.spec?.volumeClaimTemplates?.find((x) => x.metadata?.name === template);
        if (t) t.spec = { ...t.spec, resources: { ...t.spec?.resources, requests: { ...t.spec?.resources?.requests, storage: sizeText } } };
      },
      {
        summary: `re-create statefulset ${setName} with volumeClaimTemplate ${template} at ${sizeText} (was ${formatBytes(current)}; orphaning delete + create)`,
        createDescription: `create the StatefulSet with volumeClaimTemplate ${template} asking for ${sizeText}`,
        rollPods: [],
        notes: ['pods and claims stay (same uids); new ordinals get claims of the new size'],
        owned: ['/spec/volumeClaimTemplates'],
      },
    );
    if ('steps' in replace) plan.changes.push(replace);
    else plan.refusals.push(replace);
  }
  dropChangesIfRefused(
    plan,
    (planned) =>
      `nothing is changed while any part is refused (${planned} other change(s) planned): a set with half its claims grown is what this command avoids`,
  );
  return plan;
}

/** The largest request among the template's claims: --to below it would shrink one. */
export function largestRequest(sts: StatefulSet, template: string, claims: Claim[]): { size: number; claim: string } | undefined {
  let best: { size: number; claim: string } | undefined;
  for (const c of claimsOfTemplate(sts, template, claims)) {
    const r = requestOf(c.spec) ?? 0;
    if (!best || r > best.size) best = { size: r, claim: c.metadata?.name ?? '' };
  }
  return best;
}
