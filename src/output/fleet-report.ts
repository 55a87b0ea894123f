// One report over several clusters (audit --context a,b / --all-contexts):
// each cluster's own AuditReport, kept whole, under the context that named
// it. A cluster that could not be read is a result too, with its reason: it
// never hides the others, and it is never mistaken for an all-clear.
import type { Log } from 'sarif';
import type { Check } from '../checks/check.js';
import type { AuditReport } from './report.js';
import { REPORT_API_VERSION } from './report.js';
import { renderSarif } from './sarif.js';

export interface ClusterName {
  /** the kubeconfig context */
  context: string;
  server?: string;
  serverVersion?: string;
}

export interface AuditedCluster extends ClusterName {
  status: 'audited';
  report: AuditReport;
}

export interface FailedCluster extends ClusterName {
  /** unreachable: no answer; refused: the server answered no (credentials, permissions, a missing namespace) */
  status: 'unreachable' | 'refused';
  error: string;
}

export type ClusterResult = AuditedCluster | FailedCluster;

/** A finding with the cluster it was found in: what a fleet's -o json lists flat. */
export type FleetFinding = AuditReport['findings'][number] & { cluster: ClusterName };

export interface FleetReport {
  apiVersion: string;
  kind: 'FleetAuditReport';
  clusters: Array<
    ClusterName & { status: ClusterResult['status']; error?: string; summary?: AuditReport['summary']; skipped?: number; notApplicable?: number }
  >;
  findings: FleetFinding[];
  /** each audited cluster's whole report, by context */
  reports: Record<string, AuditReport>;
}

const nameOf = (c: ClusterResult): ClusterName => ({
  context: c.context,
  ...(c.server ? { server: c.server } : {}),
  ...(c.serverVersion ? { serverVersion: c.serverVersion } : {}),
});

export function buildFleetReport(results: ClusterResult[]): FleetReport {
  return {
    apiVersion: REPORT_API_VERSION,
    kind: 'FleetAuditReport',
    clusters: results.map((c) =>
      c.status === 'audited'
        ? {
            ...nameOf(c),
            status: c.status,
            summary: c.report.summary,
            skipped: c.report.skipped.filter((k) => !k.notInstalled).length,
            notApplicable: c.report.skipped.filter((k) => k.notInstalled).length,
          }
        : { ...nameOf(c), status: c.status, error: c.error },
    ),
    findings: results.flatMap((c) => (c.status === 'audited' ? c.report.findings.map((f) => ({ ...f, cluster: nameOf(c) })) : [])),
    reports: Object.fromEntries(results.flatMap((c) => (c.status === 'audited' ? [[c.context, c.report]] : []))),
  };
}

/** One line per cluster: "prod (v1.37.2): 2 errors, 1 warning, 3 checks skipped" or why it was not read. */
export function clusterSummaryLine(c: ClusterResult): string {
  const version = c.serverVersion ? ` (${c.serverVersion})` : '';
  if (c.status !== 'audited') return `${c.context}${version}: ${c.status === 'unreachable' ? 'not reached' : 'refused'}: ${c.error}`;
  const s = c.report.summary;
  const parts = [plural(s.error, 'error'), plural(s.warning, 'warning'), plural(s.info, 'info finding')];
  if (s.consequences) parts.push(`${s.consequences} following from them`);
  const gaps = c.report.skipped.filter((k) => !k.notInstalled);
  if (gaps.length) parts.push(`${plural(gaps.length, 'check')} skipped (${gaps[0]!.reason})`);
  return `${c.context}${version}: ${parts.join(', ')}`;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** SARIF: one run per cluster, named by its context; a cluster not read is a run that did not succeed, saying why. */
export function renderFleetSarif(results: ClusterResult[], checks: Check[]): Log {
  // The rules and the tool, once; each cluster's run carries its own results.
  const template = renderSarif(emptyReport(), checks);
  const runs = results.map((c) => {
    const named = { automationDetails: { id: `${c.context}/` }, properties: { cluster: nameOf(c) } };
    if (c.status === 'audited') return { ...renderSarif(c.report, checks).runs[0]!, ...named };
    return {
      ...template.runs[0]!,
      ...named,
      invocations: [{ executionSuccessful: false, toolExecutionNotifications: [{ level: 'error' as const, message: { text: `${c.status}: ${c.error}` } }] }],
    };
  });
  return { ...template, runs: runs.length ? runs : template.runs };
}

function emptyReport(): AuditReport {
  return {
    apiVersion: REPORT_API_VERSION,
    kind: 'AuditReport',
    scope: { source: 'cluster', allNamespaces: true },
    findings: [],
    summary: { error: 0, warning: 0, info: 0, consequences: 0 },
    skipped: [],
  };
}
