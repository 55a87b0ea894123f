// The audit's exit code, for one report and for a fleet of them (README: Exit codes).
import { EXIT } from './errors.js';
import { SEVERITY_RANK, type Severity } from '../checks/check.js';
import type { AuditReport } from '../output/report.js';
import type { ClusterResult } from '../output/fleet-report.js';

export function exitFor(report: AuditReport, failOn: Severity | 'never'): number {
  if (failOn === 'never') return EXIT.OK;
  const floor = SEVERITY_RANK[failOn];
  // A document the API server refuses in the preflight's dry run will not apply: an error.
  const refused = report.serverVerdicts?.some((v) => v.verdict === 'refused') ?? false;
  return refused || report.findings.some((f) => SEVERITY_RANK[f.severity] >= floor) ? EXIT.FINDINGS : EXIT.OK;
}

/**
 * The worst of the clusters: 3 when any cluster could not be audited (its
 * findings are unknown, which no exit code may call clean), else each
 * audited report judged as a single audit's.
 */
export function fleetExitCode(results: ClusterResult[], failOn: Severity | 'never'): number {
  if (results.some((c) => c.status !== 'audited')) return EXIT.CLUSTER;
  return results.some((c) => c.status === 'audited' && exitFor(c.report, failOn) === EXIT.FINDINGS) ? EXIT.FINDINGS : EXIT.OK;
}
