import type { ObjectRef } from '../kube/types.js';
import type { ClusterSnapshot, ResourceName, SourceLocation } from '../snapshot/cluster-snapshot.js';

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export interface Fix {
  command: string;
  description: string;
}

export interface Finding {
  code: string;
  severity: Severity;
  object: ObjectRef;
  related: ObjectRef[];
  message: string;
  evidence: string[];
  fix?: Fix;
  /** The StatefulSet the finding belongs to, for grouping (namespace/name). */
  statefulSet?: string;
  location?: SourceLocation;
  /** The finding this one follows from (its root cause), when both were found. */
  causedBy?: { code: string; object: ObjectRef };
}

/**
 * Where a check's findings can follow from another finding: one with one of
 * these codes on an object the finding names as related, on the same object,
 * or on the StatefulSet the finding belongs to.
 */
export interface FollowsFrom {
  codes: string[];
  /**
   * where the cause is found: on an object this finding relates to, on the same
   * object, on its StatefulSet, or ('listed') a cause that names this finding's
   * object among its own related objects (one finding about a group of PVs)
   */
  on: 'related' | 'same' | 'statefulset' | 'listed';
}

/**
 * What a check's find() returns. Code and severity live in the check's
 * metadata and runChecks stamps them; a finding only names a severity when it
 * departs from the check's default (PVC-006 warns once the scheduler fails).
 */
export type FindingDraft = Omit<Finding, 'code' | 'severity'> & { severity?: Severity };

export interface CheckOptions {
  /** How long a claim may wait for a provisioner (PVC-005) or an external resizer (PVC-010) before it is reported. */
  pendingThresholdMs: number;
}

export const DEFAULT_CHECK_OPTIONS: CheckOptions = { pendingThresholdMs: 5 * 60_000 };

/**
 * A check is metadata plus a pure function of the snapshot. The metadata
 * is the public documentation (README catalog, `explain`, SARIF rules).
 */
export interface Check {
  /** kebab-case, equal to the file name */
  id: string;
  /** public, stable, never reused */
  code: string;
  severity: Severity;
  title: string;
  /** what it means and why it happens, with the controller behaviour behind it */
  rationale: string;
  /** how to repair it by hand and with this tool; ends with a period */
  remediation: string;
  /** the resources the check reads; it is skipped when one could not be read */
  needs: ResourceName[];
  /**
   * it reads who owns each set (snapshot.owners: Helm release Secrets, the
   * owners' resources, GitOps objects), which only a cluster has: skipped
   * when auditing files
   */
  needsOwners?: boolean;
  /** the findings this check's findings are consequences of, when they are present */
  followsFrom?: FollowsFrom | FollowsFrom[];
  find(snapshot: ClusterSnapshot, options: CheckOptions): FindingDraft[];
}

export function defineCheck(check: Check): Check {
  return check;
}
