// The loop behind `serve`: the stores change, the changes settle, the checks
// run again (never more than once per interval), and the metrics follow. A
// health probe asks the API server every interval; while it does not answer,
// or a watch is down, no audit runs and the last findings stay, marked stale.
// Read-only: it holds a ReadClient and nothing that writes.
import type { ReadClient } from '../kube/read-client.js';
import { ApiError } from '../kube/errors.js';
import { serverVersionOf, type ServerVersion } from '../snapshot/cluster-snapshot.js';
import { runChecks, type CheckRun } from '../checks/run-checks.js';
import { buildReport } from '../output/report.js';
import { setOwners } from '../output/set-owners.js';
import { WatchedCluster } from './watched-cluster.js';
import type { ServeMetrics } from './metrics.js';
import type { KindStoreState } from './kind-store.js';
import { CompressedText } from './compressed-text.js';

export interface StorageWatcherOptions {
  /** undefined: every namespace */
  namespace?: string;
  /** the least time between two audits, and between two health probes */
  intervalMs: number;
  /** how long the stores must be quiet before an audit */
  settleMs: number;
  /** an audit at least this often, changed or not: findings that depend on age (Pending too long) */
  resyncMs: number;
  pendingThresholdMs: number;
  chunkSize?: number;
  watchSeconds?: number;
  maxBackoffMs?: number;
  log: (line: string) => void;
  clock?: () => number;
  /** run before each audit (serve --low-memory: a full collection) */
  beforeAudit?: () => void;
}

export interface WatcherStatus {
  ready: boolean;
  up: boolean;
  stale: boolean;
  lastAudit?: number;
  kinds: KindStoreState[];
}

export class StorageWatcher {
  private readonly cluster: WatchedCluster;
  private readonly now: () => number;
  private dirty = true;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private lastStart = 0;
  /** when the first change the next audit waits for came in */
  private firstPending: number | undefined;
  private lastAudit: number | undefined;
  private up = false;
  private serverVersion: ServerVersion | undefined;
  private stopped = false;
  /**
   * The report of the last audit of current stores, as /report sends it: its JSON without the opening
   * brace (/report puts the watcher's state first), compressed: 3.6 MiB of JSON at 7,800 findings
   * kept as 0.3 MiB. The findings as objects would weigh more, and stay alive beside the next audit's.
   */
  reportMembers: CompressedText | undefined;

  constructor(
    private readonly client: ReadClient,
    private readonly metrics: ServeMetrics,
    private readonly options: StorageWatcherOptions,
  ) {
    this.now = options.clock ?? Date.now;
    this.cluster = new WatchedCluster(client, {
      namespace: options.namespace,
      chunkSize: options.chunkSize,
      watchSeconds: options.watchSeconds,
      maxBackoffMs: options.maxBackoffMs,
      onChange: () => this.changed(),
      onRestart: (resource, reason) => {
        metrics.recordWatchRestart(resource);
        options.log(`watch of ${resource} failed (${reason}); restarting`);
        this.publishHealth();
      },
      onUnavailable: (resource, reason) => options.log(`${resource}: ${reason}; the checks that need it are skipped`),
    });
  }

  async start(): Promise<void> {
    this.cluster.start();
    await this.probe();
    this.probeTimer = setInterval(() => void this.probe(), this.options.intervalMs);
    this.resyncTimer = setInterval(() => this.changed(), this.options.resyncMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.probeTimer);
    clearInterval(this.resyncTimer);
    this.cluster.stop();
  }

  status(): WatcherStatus {
    return { ready: this.reportMembers !== undefined, up: this.up, stale: this.stale, lastAudit: this.lastAudit, kinds: this.cluster.states() };
  }

  private get stale(): boolean {
    return !this.inputsCurrent || this.lastAudit === undefined;
  }

  private changed(): void {
    this.dirty = true;
    this.schedule();
  }

  /**
   * Debounced: the audit waits until the changes have been quiet for
   * --settle, but no longer than --interval after the first change it waits
   * for (constant churn still gets audits), and starts no sooner than
   * --interval after the last audit started.
   */
  private schedule(): void {
    if (this.stopped) return;
    const now = this.now();
    this.firstPending ??= now;
    const settled = now + this.options.settleMs;
    const latest = this.firstPending + this.options.intervalMs;
    const earliest = this.lastStart + this.options.intervalMs;
    const at = Math.max(earliest, Math.min(settled, latest));
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.audit();
      },
      Math.max(0, at - now),
    );
  }

  /** The API server answers (its version, for the report): up. No answer: findings stale, audits paused. */
  private async probe(): Promise<void> {
    const wasUp = this.up;
    try {
      this.serverVersion = serverVersionOf(await this.client.get('/version'));
      this.up = true;
    } catch (err) {
      // Any answer at all (even 403) is a server that is up.
      this.up = err instanceof ApiError && err.status < 500;
      if (!this.up && wasUp) this.options.log(`the API server does not answer (${(err as Error).message}); findings are stale until it does`);
    }
    if (this.up && !wasUp) this.changed();
    this.publishHealth();
  }

  private publishHealth(): void {
    this.metrics.recordHealth({ up: this.up, stale: this.stale, kinds: this.cluster.states() });
  }

  private async audit(): Promise<void> {
    if (this.running || this.stopped) return;
    // A partial or outdated store would report a false all-clear: wait until every kind is listed and watched.
    if (!this.dirty || !this.cluster.listed || !this.inputsCurrent) {
      this.publishHealth();
      return;
    }
    this.running = true;
    this.dirty = false;
    this.firstPending = undefined;
    this.lastStart = this.now();
    const started = performance.now();
    try {
      this.options.beforeAudit?.();
      const { findings, skipped, owners } = await this.check();
      const report = buildReport(
        {
          source: 'cluster',
          server: this.client.server,
          serverVersion: this.serverVersion?.gitVersion,
          namespace: this.options.namespace,
          allNamespaces: this.options.namespace === undefined,
        },
        findings,
        skipped,
        owners,
      );
      this.lastAudit = this.now();
      this.metrics.recordAudit(report, (performance.now() - started) / 1000, this.lastAudit);
      this.reportMembers = CompressedText.of(Buffer.from(JSON.stringify(report)).subarray(1));
    } catch (err) {
      this.dirty = true;
      this.options.log(`audit failed: ${(err as Error).message}`);
    } finally {
      this.running = false;
      this.publishHealth();
      // Changes that came in while the audit ran get their own.
      if (this.dirty) this.schedule();
    }
  }

  /**
   * The checks over a snapshot of the stores. A function of its own so that the snapshot (its
   * indexes and the checks' memos, about 10 MiB at 10,000 volumes) can be collected before the
   * report, its JSON and the metrics are built: held to the end of audit(), it stayed alive under
   * all of them, at the audit's peak.
   */
  private async check(): Promise<CheckRun & { owners: ReturnType<typeof setOwners> }> {
    const snapshot = await this.cluster.snapshot(this.now(), this.serverVersion);
    const { findings, skipped } = runChecks(snapshot, { pendingThresholdMs: this.options.pendingThresholdMs });
    return { findings, skipped, owners: setOwners(snapshot) };
  }

  /** The API server answers and every watch is open. */
  private get inputsCurrent(): boolean {
    return this.up && this.cluster.connected;
  }
}
