// @ts-expect-error plain ESM script without types
import { binaryFile } from '../../scripts/cluster.mjs';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { afterEach, beforeEach, inject } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../src/kube/client.js';
import { ApiError } from '../../src/kube/errors.js';
import type { KubeObject } from '../../src/kube/types.js';
import { collectionPath, kindInfo } from '../../src/kube/resources.js';
import type { AuditReport } from '../../src/output/report.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** The tests write as a person with kubectl would, under a manager of their own: what says kubectl-sts-storage was the tool's. */
export const TEST_MANAGER = 'integration-test';
export const kubeconfig = inject('kubeconfig');
export const skipReason = inject('skipReason');

// The kinds the tool reads (kube/resources.ts), plus those only the tests create.
const TEST_KINDS: Record<string, { group: string; resource: string; namespaced: boolean }> = {
  Namespace: { group: 'v1', resource: 'namespaces', namespaced: false },
  ServiceAccount: { group: 'v1', resource: 'serviceaccounts', namespaced: true },
  ConfigMap: { group: 'v1', resource: 'configmaps', namespaced: true },
  ResourceQuota: { group: 'v1', resource: 'resourcequotas', namespaced: true },
  Lease: { group: 'coordination.k8s.io/v1', resource: 'leases', namespaced: true },
  Role: { group: 'rbac.authorization.k8s.io/v1', resource: 'roles', namespaced: true },
  RoleBinding: { group: 'rbac.authorization.k8s.io/v1', resource: 'rolebindings', namespaced: true },
  ClusterRole: { group: 'rbac.authorization.k8s.io/v1', resource: 'clusterroles', namespaced: false },
  ClusterRoleBinding: { group: 'rbac.authorization.k8s.io/v1', resource: 'clusterrolebindings', namespaced: false },
  // Owners' resources (their CRDs: owned-sets.ts ensureCrd).
  Application: { group: 'argoproj.io/v1alpha1', resource: 'applications', namespaced: true },
  Kustomization: { group: 'kustomize.toolkit.fluxcd.io/v1', resource: 'kustomizations', namespaced: true },
  Elasticsearch: { group: 'elasticsearch.k8s.elastic.co/v1', resource: 'elasticsearches', namespaced: true },
  Prometheus: { group: 'monitoring.coreos.com/v1', resource: 'prometheuses', namespaced: true },
};
const kindOf = (kind: string) => kindInfo(kind) ?? TEST_KINDS[kind];

export function admin(requestTimeoutMs = 30_000, file = kubeconfig): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return new KubeClient(kc, requestTimeoutMs);
}

export function objectPath(kind: string, name?: string, namespace?: string): string {
  const k = kindOf(kind);
  if (!k) throw new Error(`helpers: unknown kind ${kind}`);
  const base = collectionPath(k.group, k.resource, k.namespaced ? namespace : undefined);
  return name ? `${base}/${encodeURIComponent(name)}` : base;
}

export class Cluster {
  readonly client: KubeClient;
  private readonly clusterScoped: Array<{ kind: string; name: string }> = [];

  /** The suite's cluster, or another one (the upgrade test's old release) by its kubeconfig. */
  constructor(readonly kubeconfigPath = kubeconfig) {
    this.client = admin(30_000, kubeconfigPath);
  }

  /** Objects that reached the cluster another way (etcd) are cleaned up like the ones it created. */
  adopt(kind: string, name: string): void {
    if (kind === 'Namespace') this.namespaces.push(name);
    else this.clusterScoped.push({ kind, name });
  }

  async create<T extends KubeObject>(object: T, namespace?: string): Promise<T> {
    const kind = object.kind!;
    const ns = object.metadata?.namespace ?? namespace;
    const created = await this.client.request<T>('POST', objectPath(kind, undefined, ns), {
      query: { fieldManager: TEST_MANAGER },
      body: { ...object, metadata: { ...object.metadata, ...(kindOf(kind)!.namespaced ? { namespace: ns } : {}) } },
    });
    if (!kindOf(kind)!.namespaced && kind !== 'Namespace') this.clusterScoped.push({ kind, name: object.metadata!.name! });
    return created;
  }

  async get<T = KubeObject>(kind: string, name: string, namespace?: string): Promise<T | undefined> {
    try {
      return await this.client.request<T>('GET', objectPath(kind, name, namespace));
    } catch (err) {
      if (err instanceof ApiError && err.notFound) return undefined;
      throw err;
    }
  }

  async remove(kind: string, name: string, namespace?: string, query: Record<string, string> = {}): Promise<void> {
    try {
      await this.client.request('DELETE', objectPath(kind, name, namespace), { query });
    } catch (err) {
      if (!(err instanceof ApiError && err.notFound)) throw err;
    }
  }

  async patch(kind: string, name: string, namespace: string | undefined, body: unknown, contentType = 'application/merge-patch+json'): Promise<KubeObject> {
    return this.client.request('PATCH', objectPath(kind, name, namespace), { body, contentType, query: { fieldManager: TEST_MANAGER } });
  }

  /** The server's minor version (33 for v1.33.13), read once. */
  async serverMinor(): Promise<number> {
    this.minor ??= this.client.request<{ major: string; minor: string }>('GET', '/version').then((v) => Number.parseInt(v.minor, 10));
    return this.minor;
  }
  private minor?: Promise<number>;

  /**
   * Creates an object that the API server may refuse since 1.34 (a StatefulSet
   * whose mount names nothing) the way it exists in real clusters: made before
   * an upgrade. Up to 1.33 it goes through the API. From 1.34 on it is written
   * into etcd with the API server's storage codec (test/cluster/storage.go), as
   * an upgraded cluster holds it; the API server and controllers then read it
   * as they would after an upgrade.
   */
  async createLegacy<T extends KubeObject>(object: T, namespace?: string): Promise<T> {
    if ((await this.serverMinor()) < 34) return this.create(object, namespace);
    const ns = object.metadata?.namespace ?? namespace;
    const state = harnessState(this.kubeconfigPath);
    if (!state)
      throw new Error(
        "createLegacy: objects the API server refuses since 1.34 can be stored only on the project's own control plane (it writes to etcd); STS_STORAGE_TEST_KUBECONFIG points elsewhere",
      );
    const r = spawnSync(harnessBinary(state.kubernetesVersion), ['store', '--dir', path.dirname(this.kubeconfigPath)], {
      input: JSON.stringify({ ...object, metadata: { ...object.metadata, namespace: ns } }),
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`createLegacy: ${r.stderr || r.error}`);
    let stored: T | undefined;
    await waitFor(
      `${object.kind} ${object.metadata?.name} visible through the API server`,
      async () => !!(stored = await this.get<T>(object.kind!, object.metadata!.name!, ns)),
    );
    return stored!;
  }

  /** A fresh namespace with its default ServiceAccount (pods need it); exact: named prefix itself (a cluster of its own, as the comparison's). */
  async namespace(prefix: string, { exact = false } = {}): Promise<string> {
    const name = exact ? prefix : `${prefix}-${Math.random().toString(36).slice(2, 7)}`;
    await this.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    await waitFor(`default ServiceAccount in ${name}`, async () => !!(await this.get('ServiceAccount', 'default', name)));
    this.namespaces.push(name);
    return name;
  }
  private readonly namespaces: string[] = [];

  /**
   * Plays a node's kubelet heartbeat: renews its Lease in kube-node-lease every
   * 2s, as the kubelet does, until stopHeartbeat ("the node dies") or cleanup.
   * The Lease lasts 8s (a kubelet's --node-lease-duration-seconds, 40 by
   * default), in step with the harness's 10s node-monitor grace period.
   */
  async heartbeat(node: string): Promise<void> {
    const now = () => new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
    await this.create(
      {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: node },
        spec: { holderIdentity: node, leaseDurationSeconds: 8, renewTime: now() },
      } as KubeObject,
      'kube-node-lease',
    );
    this.leases.push(node);
    const renew = () =>
      this.patch('Lease', node, 'kube-node-lease', { spec: { renewTime: now() } }).catch(() => {
        /* the next beat tries again, as a kubelet would */
      });
    this.heartbeats.set(node, setInterval(renew, 2000));
  }

  stopHeartbeat(node: string): void {
    clearInterval(this.heartbeats.get(node));
    this.heartbeats.delete(node);
  }
  private readonly heartbeats = new Map<string, NodeJS.Timeout>();
  private readonly leases: string[] = [];

  /** Deletes what the test created; PVs first lose their protection finalizer only through the controller. */
  async cleanup(): Promise<void> {
    for (const node of [...this.heartbeats.keys()]) this.stopHeartbeat(node);
    for (const lease of this.leases) await this.remove('Lease', lease, 'kube-node-lease');
    for (const ns of this.namespaces) await this.remove('Namespace', ns);
    for (const { kind, name } of this.clusterScoped.reverse()) await this.remove(kind, name);
    this.client.close();
  }
}

export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real executable, as a user would. */
export function runCli(args: string[], opts: { env?: Record<string, string | undefined>; input?: string; kubeconfig?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'kubectl-sts-storage'), ...args], {
      env: { ...process.env, KUBECONFIG: opts.kubeconfig ?? kubeconfig, NO_COLOR: '1', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

export async function audit(args: string[], opts: Parameters<typeof runCli>[1] = {}): Promise<{ result: CliResult; report: AuditReport }> {
  const result = await runCli(['audit', ...args, '-o', 'json'], opts);
  let report: AuditReport;
  try {
    report = JSON.parse(result.stdout) as AuditReport;
  } catch {
    throw new Error(`audit did not print JSON (exit ${result.code}): ${result.stderr}\n${result.stdout}`);
  }
  return { result, report };
}

export function codesFor(report: AuditReport, kind: string, name: string): string[] {
  return report.findings
    .filter((f) => f.object.kind === kind && f.object.name === name)
    .map((f) => f.code)
    .sort();
}

export const Gi = (n: number) => `${n}Gi`;

/** The project's own control plane, when the suite runs on it (not on STS_STORAGE_TEST_KUBECONFIG). */
export function harnessState(kubeconfigFile = kubeconfig): { pid: number; components: Record<string, number>; kubernetesVersion: string } | undefined {
  const file = path.join(path.dirname(kubeconfigFile), 'state.json');
  if (!kubeconfigFile || !fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The harness binary that was built (it carries a real kubectl), or undefined. */
export function harnessKubectl(): string | undefined {
  const dir = path.join(ROOT, '.cache');
  const bin = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.startsWith('sts-storage-cluster-')) : undefined;
  return bin ? path.join(dir, bin) : undefined;
}

/** The harness binary of a release, as scripts/cluster.mjs builds it. */
export const harnessBinary = (version: string): string => binaryFile(version);

/** Runs fn with one control-plane component stopped (SIGSTOP), resuming it whatever happens. */
export async function withComponentPaused<T>(component: string, fn: () => Promise<T>): Promise<T> {
  const pid = harnessState()?.components[component];
  if (!pid) throw new Error(`no ${component} process to pause`);
  process.kill(pid, 'SIGSTOP');
  try {
    return await fn();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

/** Kills the API server; returns a function that brings it back (the supervisor restarts it on SIGHUP). */
export async function killApiServer(): Promise<() => Promise<void>> {
  const state = harnessState();
  if (!state?.components['apiserver']) throw new Error('no API server process to stop');
  const pid = state.components['apiserver'];
  process.kill(pid, 'SIGKILL');
  // Gone for good only once the process has closed every descriptor (it exits, or waits as a
  // zombie): its listening socket may close a moment before the keep-alive connections of other
  // clients, whose FIN must reach them before they write again.
  await waitFor('the API server process to exit', async () => {
    try {
      return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
    } catch {
      return true;
    }
  });
  const client = admin();
  await waitFor('the API server to be down', async () => {
    try {
      await client.request('GET', '/version');
      return false;
    } catch {
      return true;
    }
  });
  // Two turns of the event loop: a poll phase reads that FIN, and the pooled socket it closes is
  // dropped, so a client's next request opens a connection (refused: nothing sent) rather than
  // writing into a dead one (reset: perhaps sent). The batch-fault test told these apart by chance.
  for (let turn = 0; turn < 2; turn++) await new Promise((r) => setImmediate(r));
  return async () => {
    process.kill(state.pid, 'SIGHUP');
    // Back means serving every path, not only answering: a restarted API server answers /version
    // before it has installed the HTTP paths of the CustomResourceDefinitions (the snapshot kinds
    // answer 503 "the request has been made before all known HTTP paths have been installed" for a
    // moment), which a command run at once lists. Seen once in a clean-clone CI.
    await waitFor(
      'the API server to be back, serving the snapshot CRDs',
      async () => {
        try {
          await client.request('GET', '/version');
          await client.request('GET', '/apis/snapshot.storage.k8s.io/v1/volumesnapshotclasses', { query: { limit: 1 } });
          return true;
        } catch {
          return false;
        }
      },
      120_000,
    );
    client.close();
  };
}

/** Per test: a Cluster that cleans up after itself, and a fresh backup directory for repairs (refreshed before each test). */
export function useSandbox(): { cluster: Cluster; backupDir: string; env: () => Record<string, string> } {
  const sandbox = {
    cluster: undefined as unknown as Cluster,
    backupDir: '',
    env: () => ({ STS_STORAGE_BACKUP_DIR: sandbox.backupDir }),
  };
  beforeEach(() => {
    sandbox.cluster = new Cluster();
    sandbox.backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sts-storage-backups-'));
  });
  afterEach(async () => {
    await sandbox.cluster.cleanup();
  });
  return sandbox;
}
