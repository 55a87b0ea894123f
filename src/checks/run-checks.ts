import type { ClusterSnapshot, ResourceName, SourceLocation } from '../snapshot/cluster-snapshot.js';
import { ALL_CHECKS } from './index.js';
import type { Check, CheckOptions, Finding, FollowsFrom } from './check.js';
import { DEFAULT_CHECK_OPTIONS, SEVERITY_RANK } from './check.js';
import { keyOf } from '../kube/types.js';
import { NOT_INSTALLED } from '../kube/resources.js';
import { compareText } from '../kube/text-order.js';

export interface SkippedCheck {
  check: string;
  reason: string;
  /** what it reads is not installed in this cluster (the snapshot CRDs): nothing to check, not a gap */
  notInstalled?: true;
}

export const OWNERS_OFFLINE = "needs the owners of the cluster's StatefulSets (Helm release Secrets, the owners' resources): files do not carry them";

export interface CheckRun {
  findings: Finding[];
  skipped: SkippedCheck[];
}

function missingResource(check: Check, snapshot: ClusterSnapshot): ResourceName | undefined {
  return check.needs.find((r) => !snapshot.has(r));
}

export function runChecks(snapshot: ClusterSnapshot, options: CheckOptions = DEFAULT_CHECK_OPTIONS, checks: Check[] = ALL_CHECKS): CheckRun {
  const findings: Finding[] = [];
  const skipped: SkippedCheck[] = [];
  for (const check of checks) {
    const missing = missingResource(check, snapshot);
    if (missing) {
      const reason = snapshot.unavailable[missing] ?? '';
      skipped.push({ check: check.code, reason: `needs ${missing}: ${reason}`, ...(reason.startsWith(NOT_INSTALLED) ? { notInstalled: true as const } : {}) });
      continue;
    }
    if (check.needsOwners && snapshot.source === 'manifests') {
      skipped.push({ check: check.code, reason: OWNERS_OFFLINE });
      continue;
    }
    for (const draft of check.find(snapshot, options)) {
      // Checks read everything they need to judge; only what was asked about is reported.
      if (snapshot.objectInScope(draft.object)) findings.push({ ...draft, code: check.code, severity: draft.severity ?? check.severity });
    }
  }
  linkCauses(findings, checks);
  const locations = locationIndex(snapshot);
  if (locations) for (const f of findings) f.location ??= locations.get(`${f.object.kind}/${keyOf(f.object.namespace, f.object.name)}`);
  findings.sort(compareFindings);
  return { findings, skipped };
}

/**
 * Links each consequence to its cause (check metadata `followsFrom`): STS-005
 * to the STS-001 that makes pod creation fail, STS-008 to the PVC-00x that
 * keeps its claim Pending, PVC-001/PVC-002 to the STS-006 of their template.
 * A StatefulSet finding about a stuck claim also quotes the claim's cause, so
 * a reader follows one chain.
 */
function linkCauses(findings: Finding[], checks: Check[]): void {
  const key = (r: { kind: string; namespace?: string; name: string }) => `${r.kind}/${keyOf(r.namespace, r.name)}`;
  const byObject = new Map<string, Finding[]>();
  for (const f of findings) byObject.set(key(f.object), [...(byObject.get(key(f.object)) ?? []), f]);
  const rules = new Map(checks.filter((c) => c.followsFrom).map((c) => [c.code, [c.followsFrom!].flat()]));
  for (const f of findings) for (const rule of rules.get(f.code) ?? []) linkCause(f, rule, findings, byObject, key);
}

function linkCause(
  f: Finding,
  rule: FollowsFrom,
  findings: Finding[],
  byObject: Map<string, Finding[]>,
  key: (r: { kind: string; namespace?: string; name: string }) => string,
): void {
  if (rule.on === 'listed') {
    const cause = findings.find((c) => c !== f && rule.codes.includes(c.code) && [c.object, ...c.related].some((r) => key(r) === key(f.object)));
    if (cause) f.causedBy ??= { code: cause.code, object: cause.object };
    return;
  }
  const places =
    rule.on === 'related'
      ? f.related
      : rule.on === 'same'
        ? [f.object]
        : f.statefulSet
          ? [{ kind: 'StatefulSet', namespace: f.statefulSet.split('/')[0], name: f.statefulSet.split('/').slice(1).join('/') }]
          : [];
  for (const place of places) {
    const causes = (byObject.get(key(place)) ?? []).filter((c) => rule.codes.includes(c.code) && c !== f);
    for (const cause of causes) {
      f.causedBy ??= { code: cause.code, object: cause.object };
      if (rule.on === 'related') {
        f.evidence.push(`cause: ${cause.code} on ${place.kind} ${place.name}: ${cause.message}`);
        if (!f.fix && cause.fix) f.fix = cause.fix;
      }
    }
  }
}

/** Where each object of a manifest audit came from, by kind/namespace/name; the first document wins. */
function locationIndex(snapshot: ClusterSnapshot): Map<string, SourceLocation> | undefined {
  if (!snapshot.locations) return undefined;
  const index = new Map<string, SourceLocation>();
  for (const [object, loc] of snapshot.locations) {
    const key = `${object.kind ?? ''}/${keyOf(object.metadata?.namespace, object.metadata?.name)}`;
    if (!index.has(key)) index.set(key, loc);
  }
  return index;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.statefulSet ?? '\uffff', b.statefulSet ?? '\uffff') ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    compareText(a.code, b.code) ||
    compareText(a.object.namespace ?? '', b.object.namespace ?? '') ||
    compareText(a.object.name, b.object.name)
  );
}
