// The Prometheus alerting rules shipped with `serve` (deploy/chart/files/
// alerts.yaml, written by `npm run docs`): the findings that lose data or
// availability, each alert's text taken from its check's own metadata, and the
// finding's message quoted from the sts_storage_finding_message series, so
// the page says what the audit says. promtool proves them (test/alerts).
import type { Check } from '../checks/check.js';
import { DOCS_URI } from '../output/sarif.js';

interface FindingAlert {
  alert: string;
  code: string;
  /** how long the finding must last: exposures are facts of the spec (no wait); states may pass */
  for: string;
  severity: 'critical' | 'warning';
}

/** Which findings page someone, and how urgently. */
export const FINDING_ALERTS: readonly FindingAlert[] = [
  // Data loss waiting for one routine action: a scale-down, a delete, a claim's deletion.
  { alert: 'StatefulSetScaleDownDeletesClaims', code: 'STS-013', for: '0m', severity: 'warning' },
  { alert: 'StatefulSetDeletionDeletesClaims', code: 'STS-014', for: '0m', severity: 'warning' },
  { alert: 'StatefulSetVolumesReclaimDelete', code: 'STS-015', for: '0m', severity: 'warning' },
  { alert: 'ClaimOwnerDeletesClaim', code: 'PVC-009', for: '0m', severity: 'warning' },
  // Availability: an ordinal without its volume.
  { alert: 'StatefulSetOrdinalClaimPending', code: 'STS-008', for: '15m', severity: 'critical' },
  { alert: 'ClaimProvisioningStuck', code: 'PVC-005', for: '0m', severity: 'critical' },
  { alert: 'ClaimExpansionStuck', code: 'PVC-010', for: '0m', severity: 'warning' },
  { alert: 'StatefulSetPodStuckOnLostNode', code: 'STS-018', for: '5m', severity: 'critical' },
  { alert: 'VolumeAttachedToNotReadyNode', code: 'PVC-012', for: '5m', severity: 'critical' },
];

const quote = (code: string) =>
  `{{ with printf "sts_storage_finding_message{code=%q,namespace=%q,kind=%q,name=%q}" "${code}" $labels.namespace $labels.kind $labels.name | query }}` +
  `{{ . | first | label "message" }}{{ end }}`;
const repair = (code: string) =>
  `{{ with printf "sts_storage_finding_message{code=%q,namespace=%q,kind=%q,name=%q}" "${code}" $labels.namespace $labels.kind $labels.name | query }}` +
  `{{ . | first | label "repair" }}{{ end }}`;

export interface RuleFile {
  groups: Array<{ name: string; rules: Array<Record<string, unknown>> }>;
}

export function alertRules(checks: readonly Check[]): RuleFile {
  const byCode = new Map(checks.map((c) => [c.code, c]));
  const findings = FINDING_ALERTS.map((a) => {
    const check = byCode.get(a.code);
    if (!check) throw new Error(`alert ${a.alert}: no check ${a.code}`);
    return {
      alert: a.alert,
      expr: `sts_storage_finding{code="${a.code}"} > 0`,
      for: a.for,
      labels: { severity: a.severity, code: a.code },
      annotations: {
        summary: `${a.code} on {{ $labels.kind }} {{ $labels.namespace }}/{{ $labels.name }}: ${check.title}`,
        description: `${quote(a.code)}\n\n${check.rationale}`,
        remediation: `${repair(a.code)}\n\n${check.remediation}`,
        runbook_url: `${DOCS_URI}#${a.code.toLowerCase()}`,
      },
    };
  });
  const watcher = [
    {
      alert: 'StsStorageFindingsStale',
      expr: 'sts_storage_findings_stale == 1',
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'kubectl-sts-storage serve cannot keep its findings current',
        description:
          'The API server does not answer serve, or one of its watches is down, for 10 minutes: the storage findings are the last ones seen, not the current ones. sts_storage_watch_up says which watch; the pod log says why.',
      },
    },
    {
      alert: 'StsStorageNotAuditing',
      expr: 'sts_storage_last_audit_age_seconds > 900 or sts_storage_last_audit_age_seconds == -1',
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'kubectl-sts-storage serve has not completed an audit for 15 minutes',
        description: 'No audit of a whole, current snapshot has finished for 15 minutes: new storage problems would not be seen.',
      },
    },
    {
      alert: 'StsStorageChecksSkipped',
      expr: 'count by (reason) (sts_storage_check_skipped{reason!="not installed"}) > 0',
      for: '30m',
      labels: { severity: 'info' },
      annotations: {
        summary: 'kubectl-sts-storage serve cannot run {{ $value }} check(s): {{ $labels.reason }}',
        description:
          "Some checks need objects serve's ServiceAccount may not read; their problems are not reported. Grant the chart's ClusterRole, or see the reason.",
      },
    },
  ];
  return {
    groups: [
      { name: 'sts-storage-findings', rules: findings },
      { name: 'sts-storage-serve', rules: watcher },
    ],
  };
}
