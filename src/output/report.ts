import type { Finding, Severity } from '../checks/check.js';
import type { SkippedCheck } from '../checks/run-checks.js';
import { summarize } from '../checks/run-checks.js';

export const REPORT_API_VERSION = 'sts-storage.kubectl.io/v1alpha1';

export interface AuditReport {
  apiVersion: string;
  kind: 'AuditReport';
  scope: {
    source: 'cluster' | 'manifests';
    server?: string;
    serverVersion?: string;
    namespace?: string;
    allNamespaces: boolean;
    selector?: string;
    statefulSets?: string[];
    files?: string[];
  };
  findings: Array<Omit<Finding, 'statefulSet'> & { statefulSet?: string }>;
  summary: Record<Severity, number>;
  skipped: SkippedCheck[];
}

export function buildReport(scope: AuditReport['scope'], findings: Finding[], skipped: SkippedCheck[]): AuditReport {
  return {
    apiVersion: REPORT_API_VERSION,
    kind: 'AuditReport',
    scope,
    findings: findings.map((f) => {
      const out: AuditReport['findings'][number] = {
        code: f.code,
        severity: f.severity,
        object: f.object,
        related: f.related,
        message: f.message,
        evidence: f.evidence,
      };
      if (f.fix) out.fix = f.fix;
      if (f.statefulSet) out.statefulSet = f.statefulSet;
      if (f.location) out.location = f.location;
      return out;
    }),
    summary: summarize(findings),
    skipped,
  };
}
