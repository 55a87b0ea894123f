import type { ClusterSnapshot, ResourceName, SourceLocation } from '../snapshot/cluster-snapshot.js';
import { ALL_CHECKS } from './index.js';
import type { Check, CheckOptions, Finding } from './check.js';
import { DEFAULT_CHECK_OPTIONS, SEVERITY_RANK } from './check.js';
import { keyOf } from '../kube/types.js';

export interface SkippedCheck {
  check: string;
  reason: string;
}

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
      skipped.push({ check: check.code, reason: `needs ${missing}: ${snapshot.unavailable[missing]}` });
      continue;
    }
    for (const draft of check.find(snapshot, options)) findings.push({ ...draft, code: check.code, severity: draft.severity ?? check.severity });
  }
  linkCauses(findings);
  const locations = locationIndex(snapshot);
  if (locations) for (const f of findings) f.location ??= locations.get(`${f.object.kind}/${keyOf(f.object.namespace, f.object.name)}`);
  findings.sort(compareFindings);
  return { findings, skipped };
}

/**
 * A StatefulSet finding about a stuck claim points to the claim finding that
 * explains it (STS-008 -> PVC-00x), so a reader follows one chain.
 */
function linkCauses(findings: Finding[]): void {
  const byObject = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = `${f.object.kind}/${keyOf(f.object.namespace, f.object.name)}`;
    byObject.set(k, [...(byObject.get(k) ?? []), f]);
  }
  for (const f of findings) {
    if (f.code !== 'STS-008') continue;
    for (const r of f.related) {
      const causes = byObject.get(`${r.kind}/${keyOf(r.namespace, r.name)}`) ?? [];
      for (const cause of causes) {
        f.evidence.push(`cause: ${cause.code} on ${r.kind} ${r.name}: ${cause.message}`);
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
    (a.statefulSet ?? '\uffff').localeCompare(b.statefulSet ?? '\uffff') ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    a.code.localeCompare(b.code) ||
    (a.object.namespace ?? '').localeCompare(b.object.namespace ?? '') ||
    a.object.name.localeCompare(b.object.name)
  );
}
