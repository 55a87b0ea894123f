// The plugin's only HTTP layer. client-node loads the kubeconfig and
// produces credentials (KUBECONFIG lists, exec plugins, OIDC, in-cluster);
// requests then go out as plain JSON over one keep-alive agent. Reading raw
// JSON keeps objects in the wire format the checks and manifest files share,
// avoids client-node's per-field model deserialization on 50k-object lists,
// and lets every request be counted and bounded by --request-timeout.
import type { AccessAttributes, ApplyJudgement, ReadClient, ReadOptions } from './read-client.js';
import type { CollectionRead, WatchEvent } from './watch-types.js';
import { VERSION_INFO } from '../version.js';

/** The field manager of every write this tool makes (managedFields name it). */
export const FIELD_MANAGER = 'kubectl-sts-storage';
/** As kubectl's "kubectl/v1.37.2 (linux/amd64)": the API server's audit log names the tool and its version. */
const USER_AGENT = `kubectl-sts-storage/${VERSION_INFO.version} (${process.platform}/${process.arch}) ${VERSION_INFO.commit}`;
import { createRequire } from 'node:module';
import type http from 'node:http';
import type https from 'node:https';
import type tls from 'node:tls';
import type { KubeConfig } from '@kubernetes/client-node';
import { ApiError, ConfigError, ConnectionError, UnexpectedResponseError, type ApiErrorCause } from './errors.js';

export interface ClientOptions {
  kubeconfig?: string;
  context?: string;
  requestTimeoutMs: number;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  contentType?: string;
  /** receives the server's Warning headers (RFC 7234 `299 - "text"`), as their text */
  onWarnings?: (warnings: string[]) => void;
}

/** The text of each `Warning: 299 - "…"` header value the API server sent. */
function warningTexts(header: string | string[] | undefined): string[] {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const out: string[] = [];
  for (const v of values) for (const m of v.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)) out.push(m[1]!.replace(/\\(.)/g, '$1'));
  return out;
}

/** JSON, this tool's User-Agent, and the credentials the kubeconfig put on the options. */
function requestHeaders(base: https.RequestOptions): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': USER_AGENT };
  for (const [k, v] of Object.entries(base.headers ?? {})) if (typeof v === 'string') headers[k] = v;
  if (base.auth) headers['Authorization'] = 'Basic ' + Buffer.from(base.auth).toString('base64');
  return headers;
}

export interface ListOptions<T = unknown> {
  limit?: number;
  labelSelector?: string;
  fieldSelector?: string;
  /** applied to each item as its page arrives (keep only what is needed) */
  map?: (item: T) => T;
}

import { addPhase } from './timing.js';

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  ms: number;
  bytes: number;
}

/** How many requests --debug lists: a long-running `serve` must not keep every request it ever made. */
export const REQUEST_LOG_SIZE = 1000;

/** The requests made, for --debug and the benchmark: totals, and the latest REQUEST_LOG_SIZE of them. */
export const requestLog = {
  count: 0,
  bytes: 0,
  recent: [] as LoggedRequest[],
  record(entry: LoggedRequest): void {
    this.count++;
    this.bytes += entry.bytes;
    this.recent.push(entry);
    if (this.recent.length > REQUEST_LOG_SIZE) this.recent.splice(0, this.recent.length - REQUEST_LOG_SIZE);
  },
};

/**
 * client-node is imported here, on first use, not at start-up: loading it
 * takes most of a second, which `--help`, `explain`, `version` and `audit -f`
 * never need.
 */
export async function loadKubeConfig(opts: { kubeconfig?: string; context?: string }): Promise<KubeConfig> {
  // The config module alone: the package index also loads every generated API client.
  const { KubeConfig } = await import('@kubernetes/client-node/dist/config.js');
  const kc = new KubeConfig();
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    // contextFromStartingConfig: like kubectl, the first file of a
    // KUBECONFIG list that sets current-context wins.
    else kc.loadFromDefault(undefined, true);
  } catch (err) {
    const where = opts.kubeconfig ?? process.env['KUBECONFIG'] ?? '~/.kube/config';
    throw new ConfigError(`cannot load kubeconfig ${where}: ${firstLine(err)}`);
  }
  const cluster = kc.getCurrentCluster();
  // loadFromDefault silently falls back to http://localhost:8080 when it
  // finds nothing; kubectl would say there is no configuration.
  if (!opts.kubeconfig && cluster?.name === 'cluster' && cluster.server === 'http://localhost:8080' && kc.getContexts().length <= 1) {
    const env = process.env['KUBECONFIG'];
    throw new ConfigError(
      env
        ? `no usable kubeconfig in KUBECONFIG=${env}`
        : `no kubeconfig found (~/.kube/config does not exist, KUBECONFIG is unset, not running in a cluster); pass --kubeconfig`,
    );
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new ConfigError(
        `context "${opts.context}" does not exist in the kubeconfig (contexts: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        })`,
        true,
      );
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new ConfigError(
      kc.getCurrentContext() ? `context "${kc.getCurrentContext()}" names no cluster` : 'the kubeconfig has no current-context; pass --context',
    );
  }
  return kc;
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}

// node:https (with tls and crypto) is loaded by the first request, not at
// start-up, which --help would pay for. A require, not import(): the single
// executable and the code-cached loader (bin/launch.cjs) run the bundle as a
// script, where import() has no loader.
const requireBuiltin = createRequire(import.meta.url);
let transports: { http: typeof http; https: typeof https; tls: typeof tls } | undefined;
const loadTransports = () =>
  (transports ??= {
    http: requireBuiltin('node:http') as typeof http,
    https: requireBuiltin('node:https') as typeof https,
    tls: requireBuiltin('node:tls') as typeof tls,
  });

/** Reads and writes. Only fixes/apply-plan.ts holds one as such; everything else gets it as a ReadClient. */
export class KubeClient implements ReadClient {
  readonly server: string;
  readonly namespace: string;
  private agent: http.Agent | undefined;

  constructor(
    readonly config: KubeConfig,
    private readonly requestTimeoutMs: number,
  ) {
    const cluster = config.getCurrentCluster()!;
    this.server = cluster.server.replace(/\/+$/, '');
    const ctx = config.getContextObject(config.getCurrentContext());
    // In a pod, loadFromCluster() puts the ServiceAccount's namespace on the context.
    this.namespace = ctx?.namespace || 'default';
  }

  static async fromOptions(opts: ClientOptions): Promise<KubeClient> {
    return new KubeClient(await loadKubeConfig(opts), opts.requestTimeoutMs);
  }

  /** The user name as the kubeconfig names it, for messages. */
  get user(): string {
    return this.config.getCurrentUser()?.name ?? 'unknown';
  }

  private async connectionOptions(): Promise<https.RequestOptions> {
    const { http, https } = loadTransports();
    const opts: https.RequestOptions = {};
    try {
      await this.config.applyToHTTPSOptions(opts);
    } catch (err) {
      throw new ConfigError(`cannot get credentials for user "${this.user}": ${firstLine(err)}`);
    }
    if (!this.agent) {
      const cluster = this.config.getCurrentCluster();
      if (cluster?.proxyUrl) this.agent = opts.agent as http.Agent;
      else if (this.server.startsWith('http:')) this.agent = new http.Agent({ keepAlive: true });
      else
        this.agent = new https.Agent({
          keepAlive: true,
          secureContext: this.secureContext(opts),
          servername: opts.servername,
          ...(opts.rejectUnauthorized !== undefined ? { rejectUnauthorized: opts.rejectUnauthorized } : {}),
        });
    }
    opts.agent = this.agent;
    return opts;
  }

  /**
   * The CA and client credentials made ready once for every connection of this client. An agent
   * given them as ca/cert/key makes a context per connection instead, parsing the key and the CA
   * again each time: an audit opens about 15 connections per cluster, and those contexts were
   * about a tenth of a fleet audit's CPU (measured with --cpu-prof, three clusters of 1k volumes).
   */
  private secureContext(opts: https.RequestOptions): tls.SecureContext {
    try {
      const { ca, cert, key, pfx, passphrase } = opts;
      return loadTransports().tls.createSecureContext({ ca, cert, key, pfx, passphrase });
    } catch (err) {
      throw new ConfigError(`cannot use the client certificate and key of user "${this.user}": ${firstLine(err)}`);
    }
  }

  /** The server's URL of a path, with the query's set values. */
  private url(path: string, query: RequestOptions['query'] | ReadOptions['query'] = {}): URL {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    return url;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const base = await this.connectionOptions();
    const url = this.url(path, options.query);
    // Every write names this tool as its field manager (managedFields say who owns what, and
    // server-side appliers such as Helm 4 see these fields as ours, not "unknown").
    if (['POST', 'PUT', 'PATCH'].includes(method) && !url.searchParams.has('fieldManager')) url.searchParams.set('fieldManager', FIELD_MANAGER);
    const headers = requestHeaders(base);
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const started = performance.now();
    const { http, https } = loadTransports();
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise<T>((resolve, reject) => {
      const req = transport.request(url, { method, headers, agent: base.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(new ConnectionError(this.server, err.message)));
        res.on('end', () => {
          clearTimeout(timer);
          const body = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          requestLog.record({ method, path: url.pathname, status, ms: performance.now() - started, bytes: body.length });
          if (options.onWarnings) options.onWarnings(warningTexts(res.headers['warning']));
          let parsed: unknown;
          let unparsable = false;
          const parsing = performance.now();
          try {
            parsed = body.length ? JSON.parse(body.toString('utf8')) : undefined;
          } catch {
            unparsable = true;
          }
          addPhase('parse', performance.now() - parsing);
          if (status >= 200 && status < 300) {
            // A proxy or an auth gateway can answer 200 with a login page: an
            // empty list read from it would be a false all-clear.
            if (unparsable || parsed === undefined || parsed === null || typeof parsed !== 'object') {
              reject(new UnexpectedResponseError(this.server, method, url.pathname, status, String(res.headers['content-type'] ?? 'none'), body));
              return;
            }
            resolve(parsed as T);
            return;
          }
          const st = (parsed ?? {}) as { reason?: string; message?: string; details?: { causes?: ApiErrorCause[] } };
          const message = st.message ?? (body.toString('utf8').trim().split('\n')[0] || `HTTP ${status}`);
          reject(new ApiError(status, st.reason ?? String(status), message, method, url.pathname, st.details?.causes ?? []));
        });
      });
      const timer =
        this.requestTimeoutMs > 0
          ? setTimeout(
              () => req.destroy(new Error(`no answer within --request-timeout ${this.requestTimeoutMs / 1000}s (${method} ${url.pathname})`)),
              this.requestTimeoutMs,
            )
          : undefined;
      req.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        // Refused or unresolvable: the request never left this machine.
        const neverSent = ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'].includes(err.code ?? '');
        reject(new ConnectionError(this.server, err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message, !neverSent));
      });
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  async judgeApply(path: string, object: unknown): Promise<ApplyJudgement> {
    let warnings: string[] = [];
    try {
      await this.request('PATCH', path, {
        query: { dryRun: 'All', fieldManager: FIELD_MANAGER, force: 'true' },
        body: object,
        contentType: 'application/apply-patch+yaml',
        onWarnings: (w) => (warnings = w),
      });
      return { warnings };
    } catch (err) {
      if (!(err instanceof ApiError) || err.status < 400 || err.status >= 500 || err.forbidden || err.unauthorized) throw err;
      return { refusal: { status: err.status, message: err.message, fields: err.causes.map((c) => c.field ?? '').filter((f) => f !== '') }, warnings };
    }
  }

  async mayI(attributes: AccessAttributes): Promise<boolean | undefined> {
    try {
      const review = await this.request<{ status?: { allowed?: boolean } }>('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: attributes } },
      });
      return review?.status?.allowed === true;
    } catch (err) {
      // A server without the review API (or that forbids asking) cannot say.
      if (err instanceof ApiError && (err.notFound || err.forbidden)) return undefined;
      throw err;
    }
  }

  get<T>(path: string, options: ReadOptions = {}): Promise<T> {
    return this.request<T>('GET', path, { query: options.query as RequestOptions['query'] });
  }

  /**
   * Reads a whole collection in pages (limit/continue), so requests grow with
   * pages, not objects. An expired continue token (410) restarts the list.
   */
  async list<T>(path: string, options: ListOptions<T> = {}): Promise<T[]> {
    return (await this.listWithVersion(path, options)).items;
  }

  /** A whole collection and the resourceVersion it was read at (a watch resumes from it). */
  async listWithVersion<T>(path: string, options: ListOptions<T> = {}): Promise<CollectionRead<T>> {
    for (let attempt = 0; ; attempt++) {
      const items: T[] = [];
      let token: string | undefined;
      let resourceVersion = '';
      try {
        do {
          const page = await this.request<{ items?: T[]; metadata?: { continue?: string; resourceVersion?: string } }>('GET', path, {
            query: { limit: options.limit ?? 500, continue: token, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector },
          });
          for (const item of page?.items ?? []) items.push(options.map ? options.map(item) : item);
          // Every page of one list is read at the first page's resourceVersion.
          resourceVersion ||= page?.metadata?.resourceVersion ?? '';
          token = page?.metadata?.continue || undefined;
        } while (token);
        return { items, resourceVersion };
      } catch (err) {
        if (err instanceof ApiError && err.status === 410 && attempt < 2) continue;
        throw err;
      }
    }
  }

  /**
   * A watch: each event line as it arrives, then onDone once (null when the
   * server ended the stream, as it does after timeoutSeconds). No
   * --request-timeout applies: a watch is meant to stay open.
   */
  async watch(
    path: string,
    query: ReadOptions['query'],
    onEvent: (event: WatchEvent) => void,
    onDone: (err: Error | null) => void,
    onOpen?: () => void,
  ): Promise<{ abort(): void }> {
    const base = await this.connectionOptions();
    const url = this.url(path, { ...query, watch: 'true' });
    const headers = requestHeaders(base);
    const { http, https } = loadTransports();
    const transport = url.protocol === 'http:' ? http : https;
    let finished = false;
    const finish = (err: Error | null) => {
      if (finished) return;
      finished = true;
      onDone(err);
    };
    const req = transport.request(url, { method: 'GET', headers, agent: base.agent }, (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let st: { reason?: string; message?: string } = {};
          try {
            st = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            // not a Status: the status code says enough
          }
          finish(new ApiError(status, st.reason ?? String(status), st.message ?? `HTTP ${status}`, 'GET', url.pathname, []));
        });
        return;
      }
      onOpen?.();
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        pending += chunk;
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (!line) continue;
          try {
            onEvent(JSON.parse(line) as WatchEvent);
          } catch (err) {
            req.destroy(err as Error);
            return;
          }
        }
      });
      res.on('end', () => finish(null));
      res.on('error', (err) => finish(new ConnectionError(this.server, err.message)));
      res.on('close', () => finish(null));
    });
    req.on('error', (err) => finish(new ConnectionError(this.server, err.message)));
    req.end();
    return {
      abort: () => {
        finished = true;
        req.destroy();
      },
    };
  }

  close(): void {
    this.agent?.destroy();
  }
}
