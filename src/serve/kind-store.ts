// One kind, kept current: client-node's ListWatch (list, then watch from the
// list's resourceVersion; a 410 Gone empties the version and lists again,
// and objects gone in the new list are dropped) fed by this tool's own client.
// Objects are cut down by the same slim() as a one-shot audit's lists, so the
// store holds what the checks read and no more, and their strings and equal
// subtrees are shared through a pool (frozen: nothing may change a kept
// object). ListWatch stops on any other error; this store restarts it after a
// backoff, resuming from the last resourceVersion it saw.
import { ListWatch } from '@kubernetes/client-node/dist/cache.js';
import type { Watch } from '@kubernetes/client-node/dist/watch.js';
import type { KubernetesObject } from '@kubernetes/client-node/dist/types.js';
import type { ReadClient } from '../kube/read-client.js';
import { ApiError } from '../kube/errors.js';
import type { KubeObject } from '../kube/types.js';
import { collectionPath, type KindInfo } from '../kube/resources.js';
import { unreadableReason } from '../kube/unreadable.js';
import { slim } from '../snapshot/slim.js';
import type { SubtreePool } from './subtree-pool.js';

export interface KindStoreState {
  resource: string;
  /** listed at least once: its objects are known */
  listed: boolean;
  /** the watch is open (or the list that precedes it succeeded) and has not failed since */
  connected: boolean;
  /** why the kind cannot be read (forbidden, not installed): the checks that need it are skipped */
  unavailable?: string;
  /** the last failure, for /report and the log */
  lastError?: string;
  restarts: number;
  /** lists after the first: the watch could not resume (410 Gone: its resourceVersion was too old) */
  relists: number;
}

export interface KindStoreOptions {
  /** undefined: every namespace */
  namespace?: string;
  fieldSelector?: string;
  chunkSize?: number;
  /** an object was added, changed or deleted */
  onChange: () => void;
  /** the watch failed and will be restarted */
  onRestart?: (resource: string, reason: string) => void;
  /** the kind cannot be read (forbidden, not installed): its checks are skipped */
  onUnavailable?: (resource: string, reason: string) => void;
  /** how long the server keeps a watch open before ending it (it is then reopened from the same version) */
  watchSeconds?: number;
  maxBackoffMs?: number;
  /** one copy of each repeated string and subtree across the stores (kept objects live for hours) */
  pool?: SubtreePool;
}

export class KindStore {
  readonly state: KindStoreState;
  private informer: ListWatch<KubernetesObject> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = 500;
  private stopped = false;

  constructor(
    private readonly client: ReadClient,
    readonly spec: KindInfo,
    private readonly options: KindStoreOptions,
  ) {
    this.state = { resource: spec.resource, listed: false, connected: false, restarts: 0, relists: 0 };
  }

  private get path(): string {
    return collectionPath(this.spec.group, this.spec.resource, this.spec.namespaced ? this.options.namespace : undefined);
  }

  start(): void {
    const { resource } = this.spec;
    const { pool } = this.options;
    const keep = (item: KubeObject) => {
      const slimmed = slim(resource, item);
      return pool ? pool.internAll(slimmed) : slimmed;
    };
    const list = async () => {
      const read = await this.client.listWithVersion<KubeObject>(this.path, {
        limit: this.options.chunkSize,
        fieldSelector: this.options.fieldSelector,
        map: keep,
      });
      // ListWatch lists only when it has no resourceVersion to resume from: at the start, and after a 410 Gone.
      if (this.state.listed && this.state.unavailable === undefined) this.state.relists++;
      this.state.listed = true;
      this.state.connected = true;
      this.state.unavailable = undefined;
      this.backoffMs = 500;
      this.options.onChange();
      // client-node types metadata with Dates; the wire (and the checks) have strings.
      return { metadata: { resourceVersion: read.resourceVersion }, items: read.items as unknown as KubernetesObject[] };
    };
    // ListWatch asks a Watch for each watch; this one is the tool's own client, asking for bookmarks
    // (the server then sends the current resourceVersion now and then, so a resumed watch is not 410 Gone).
    const watch = {
      watch: (path: string, query: Record<string, string>, callback: (phase: string, object: unknown, event: unknown) => void, done: (err: unknown) => void) =>
        this.client.watch(
          path,
          { ...query, allowWatchBookmarks: true, timeoutSeconds: this.options.watchSeconds ?? 300 + Math.floor(Math.random() * 60) },
          (event) => {
            this.state.connected = true;
            const object = event.type === 'ERROR' || event.type === 'BOOKMARK' ? event.object : keep(event.object as KubeObject);
            callback(event.type, object, event);
          },
          // ListWatch recognises 410 Gone by statusCode.
          (err) => done(err instanceof ApiError ? Object.assign(err, { statusCode: err.status }) : err),
          () => {
            // Reopened after a failure (resumed from the last version, nothing relisted): current again.
            if (!this.state.connected) {
              this.state.connected = true;
              this.options.onChange();
            }
          },
        ),
    } as unknown as Watch;
    this.informer = new ListWatch(this.path, watch, list, false, undefined, this.options.fieldSelector);
    this.informer.on('add', () => this.options.onChange());
    this.informer.on('update', () => this.options.onChange());
    this.informer.on('delete', () => this.options.onChange());
    this.informer.on('error', (err) => this.failed(err));
    void this.informer.start();
  }

  private failed(err: unknown): void {
    if (this.stopped) return;
    this.state.connected = false;
    const reason = err instanceof Error ? err.message : String(err);
    this.state.lastError = reason;
    // A kind the user may not read, or that is not installed, is retried rarely: it is a fact, not a fault.
    let delay = this.backoffMs;
    const unreadable = unreadableReason(err, this.spec);
    if (unreadable !== undefined) {
      const before = this.state.unavailable;
      this.state.unavailable = unreadable;
      this.state.listed = true;
      delay = this.options.maxBackoffMs ?? 30_000;
      // Said once, when it becomes so; then looked at again now and then (CRDs get installed, RBAC granted).
      if (before !== this.state.unavailable) {
        this.options.onUnavailable?.(this.spec.resource, unreadable);
        this.options.onChange();
      }
    } else {
      this.state.restarts++;
      this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 30_000);
      this.options.onRestart?.(this.spec.resource, reason);
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (!this.stopped) void this.informer?.start();
    }, delay);
  }

  /** The objects as last seen (none while the kind is unavailable). */
  objects(): KubeObject[] {
    if (this.state.unavailable) return [];
    return (this.informer?.list() ?? []) as unknown as KubeObject[];
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    void this.informer?.stop();
  }
}
