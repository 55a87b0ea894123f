// The metric families `serve` exports, declared once (as kube-state-metrics
// declares its families), and derived from an audit's report in one place.
// Every finding is a series; a finding that is resolved disappears with the
// next audit. When the findings may be out of date (the API server cannot be
// reached, a watch is down) the series are kept as last seen and
// sts_storage_findings_stale says so: an outage is never an all-clear. The
// findings' two families, most of the text, are rendered once per audit and
// sent as bytes; the rest is rendered at each scrape.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type MetricValue } from 'prom-client';
import { ReplacedSeriesGauge } from './replaced-series-gauge.js';
import { CompressedText, type TextPiece } from './compressed-text.js';
import type { AuditReport } from '../output/report.js';
import type { KindStoreState } from './kind-store.js';

export interface ServeMetrics {
  /** every family but the findings' two, rendered at each scrape (process metrics change between scrapes) */
  registry: Registry;
  /**
   * The whole exposition, as prom-client writes it, in pieces to be sent one after the other: the
   * registry's families, then the findings' series (15,600 lines at 10,000 volumes), rendered once per
   * audit rather than at every scrape, and kept compressed.
   */
  exposition(): Promise<TextPiece[]>;
  /** After an audit of current stores: its findings and skips replace the last. */
  recordAudit(report: AuditReport, seconds: number, at: number): void;
  /** The stores' and the API server's health, set on every change of it. */
  recordHealth(health: { up: boolean; stale: boolean; kinds: KindStoreState[] }): void;
  recordWatchRestart(resource: string): void;
}

type FindingLabel = 'code' | 'severity' | 'namespace' | 'statefulset' | 'kind' | 'name';
type MessageLabel = 'code' | 'namespace' | 'kind' | 'name' | 'message' | 'repair';

export function createMetrics(info: { version: string; server: string }, now: () => number = Date.now): ServeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sts_storage_' });
  let lastAudit: number | undefined;
  // The findings' families have a registry of their own: rendered when an audit ends, kept as bytes.
  const findingsRegistry = new Registry();
  const finding = new ReplacedSeriesGauge({
    name: 'sts_storage_finding',
    help: 'Findings of the audit, by code, severity, StatefulSet and object (the number of them; gone when resolved)',
    labelNames: ['code', 'severity', 'namespace', 'statefulset', 'kind', 'name'] satisfies FindingLabel[],
    registers: [findingsRegistry],
  });
  const message = new ReplacedSeriesGauge({
    name: 'sts_storage_finding_message',
    help: "A finding's message and repair command (1), for alert descriptions to quote; one per finding, keyed like sts_storage_finding",
    labelNames: ['code', 'namespace', 'kind', 'name', 'message', 'repair'] satisfies MessageLabel[],
    registers: [findingsRegistry],
  });
  const findings = new Gauge({
    name: 'sts_storage_findings',
    help: 'Findings by code and severity in the last audit',
    labelNames: ['code', 'severity'] as const,
    registers: [registry],
  });
  const skipped = new Gauge({
    name: 'sts_storage_check_skipped',
    help: 'A check that could not run in the last audit (1), and why: forbidden, not installed',
    labelNames: ['code', 'reason'] as const,
    registers: [registry],
  });
  const lastAuditTime = new Gauge({
    name: 'sts_storage_last_audit_timestamp_seconds',
    help: 'When the last audit of current stores finished (Unix time)',
    registers: [registry],
  });
  new Gauge({
    name: 'sts_storage_last_audit_age_seconds',
    help: 'Seconds since the last audit of current stores finished (-1 before the first)',
    registers: [registry],
    collect() {
      this.set(lastAudit === undefined ? -1 : (now() - lastAudit) / 1000);
    },
  });
  const duration = new Histogram({
    name: 'sts_storage_audit_duration_seconds',
    help: 'How long an audit took: building the snapshot from the stores, reading owner records, running every check',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const restarts = new Counter({
    name: 'sts_storage_watch_restarts_total',
    help: 'Watches restarted after a failure, by resource',
    labelNames: ['resource'] as const,
    registers: [registry],
  });
  const relists = new Gauge({
    name: 'sts_storage_watch_relists',
    help: 'Lists of a resource after its first: a watch that could not resume from its resourceVersion (410 Gone) lists again',
    labelNames: ['resource'] as const,
    registers: [registry],
  });
  const watchUp = new Gauge({
    name: 'sts_storage_watch_up',
    help: 'Whether the watch of a resource is open (1) or failing (0); unreadable kinds are 1 with sts_storage_check_skipped saying why',
    labelNames: ['resource'] as const,
    registers: [registry],
  });
  const up = new Gauge({ name: 'sts_storage_up', help: 'Whether the API server answered the last health probe', registers: [registry] });
  const stale = new Gauge({
    name: 'sts_storage_findings_stale',
    help: 'Whether the findings may be out of date (1): the API server is not answering or a watch is down; the series keep their last values',
    registers: [registry],
  });
  new Gauge({
    name: 'sts_storage_build_info',
    help: 'The version of kubectl-sts-storage serving, and the API server it watches',
    labelNames: ['version', 'server'] as const,
    registers: [registry],
  }).set(info, 1);
  stale.set(1);
  up.set(0);

  let findingsText = CompressedText.of('');
  /**
   * The findings' series as text, from the rows of one audit, which are then let go: the text is all
   * that stays. Renders run one after another, each with its own audit's rows.
   */
  const render = async (findingRows: MetricValue<FindingLabel>[], messageRows: MetricValue<MessageLabel>[]) => {
    finding.replace(findingRows);
    message.replace(messageRows);
    try {
      findingsText = CompressedText.of(await findingsRegistry.metrics());
    } finally {
      finding.replace([]);
      message.replace([]);
    }
  };
  let rendering = render([], []);

  return {
    registry,
    async exposition() {
      // The last audit's findings, never a half-rendered one (a scrape during a render waits for it).
      await rendering;
      return [await registry.metrics(), findingsText];
    },
    recordAudit(report, seconds, at) {
      findings.reset();
      skipped.reset();
      // Findings of one code on one object (STS-009 for each claim of a set) share a series: its value counts them.
      const counted = new Map<string, MetricValue<FindingLabel>>();
      // Two findings alike in every label would write one series twice, which Prometheus refuses: kept once.
      const messages = new Map<string, MetricValue<MessageLabel>>();
      for (const f of report.findings) {
        const [setNamespace, setName] = f.statefulSet?.split('/') ?? [];
        const namespace = f.object.namespace ?? setNamespace ?? '';
        const labels = { code: f.code, severity: f.severity, namespace, statefulset: setName ?? '', kind: f.object.kind, name: f.object.name };
        const key = Object.values(labels).join('\0');
        const seen = counted.get(key);
        if (seen) seen.value++;
        else counted.set(key, { labels, value: 1 });
        const said = { code: f.code, namespace, kind: f.object.kind, name: f.object.name, message: f.message, repair: f.fix?.command ?? '' };
        messages.set(Object.values(said).join('\0'), { labels: said, value: 1 });
        findings.inc({ code: f.code, severity: f.severity });
      }
      const findingRows = [...counted.values()];
      const messageRows = [...messages.values()];
      rendering = rendering.catch(() => undefined).then(() => render(findingRows, messageRows));
      for (const s of report.skipped) skipped.set({ code: s.check, reason: s.notInstalled ? 'not installed' : s.reason }, 1);
      duration.observe(seconds);
      lastAudit = at;
      lastAuditTime.set(at / 1000);
    },
    recordHealth(health) {
      up.set(health.up ? 1 : 0);
      stale.set(health.stale ? 1 : 0);
      for (const k of health.kinds) {
        watchUp.set({ resource: k.resource }, k.connected || k.unavailable !== undefined ? 1 : 0);
        relists.set({ resource: k.resource }, k.relists);
      }
    },
    recordWatchRestart(resource) {
      restarts.inc({ resource });
    },
  };
}
