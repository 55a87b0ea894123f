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
}

export interface CheckOptions {
  /** How long a claim may wait for a provisioner before PVC-005 fires. */
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
  /** an example of the finding's message, for the docs */
  example: string;
  find(snapshot: ClusterSnapshot, options: CheckOptions): Finding[];
}

export function defineCheck(check: Check): Check {
  return check;
}
