import type { Finding, Severity } from '../checks/check.js';
import type { SkippedCheck } from '../checks/run-checks.js';
import type { ClaimPrediction } from '../analysis/predict-claims.js';
import type { ServerVerdict } from '../snapshot/server-verdicts.js';

export const REPORT_API_VERSION = 'sts-storage.kubectl.io/v1alpha1';

export interface AuditReport {
  apiVersion: string;
  kind: 'AuditReport';
  scope: {
    source: 'cluster' | 'manifests';
    server?: string;
    serverVersion?: string;
    namespace?: string;
    /** audit -f --preflight: the manifests' namespaces, reported on */
    namespaces?: string[];
    allNamespaces: boolean;
    selector?: string;
    statefulSets?: string[];
    files?: string[];
  };
  findings: Array<Omit<Finding, 'statefulSet'> & { statefulSet?: string }>;
  /** root causes by severity; consequences: the findings that follow from one of them (causedBy) */
  summary: Record<Severity, number> & { consequences: number };
  skipped: SkippedCheck[];
  /** audit -f --preflight: what the StatefulSets' claims will do once applied */
  preflight?: ClaimPrediction[];
  /** audit -f --continue-on-error: the documents that could not be read */
  errors?: string[];
  /** audit -f without --preflight: what was checked from the files alone, and what needs a cluster */
  offline?: OfflineCoverage;
  /** audit -f --preflight: the API server's own verdict on applying each document (a dry run) */
  serverVerdicts?: ServerVerdict[];
  /** who writes each StatefulSet (audits of a cluster) */
  owners?: SetOwner[];
  /** owner records that could not be read, and what the owner was judged by instead */
  ownersSkipped?: string[];
}

export interface SetOwner {
  statefulSet: string;
  /** "helm", "operator", "argocd", "flux", "kubectl", "none" */
  type: string;
  owner: string;
  /** the manager that last wrote spec.volumeClaimTemplates */
  templateManager?: string;
}

export interface OfflineCoverage {
  /** checks that ran on the files */
  checks: number;
  statefulSets: number;
  /** checks that need objects only a cluster has */
  needCluster: number;
  /** the kinds those checks need, as the API names them */
  kinds: string[];
}

export function buildReport(
  scope: AuditReport['scope'],
  findings: Finding[],
  skipped: SkippedCheck[],
  extra: Pick<AuditReport, 'preflight' | 'errors' | 'offline' | 'serverVerdicts' | 'owners' | 'ownersSkipped'> = {},
): AuditReport {
  return {
    ...extra,
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
      if (f.causedBy) out.causedBy = f.causedBy;
      return out;
    }),
    summary: summarize(findings),
    skipped,
  };
}

/** Root causes by severity, and how many findings follow from them. */
export function summarize(findings: Finding[]): AuditReport['summary'] {
  const summary = { error: 0, warning: 0, info: 0, consequences: 0 };
  for (const f of findings) {
    if (f.causedBy) summary.consequences++;
    else summary[f.severity]++;
  }
  return summary;
}
