// deploy/chart, installed with the real helm on the control plane. Its
// ServiceAccount's token (minted with the TokenRequest API) runs a full audit
// and `serve` with nothing skipped, and is refused any write; its roles name
// exactly the kinds the audit reads. No kubelet runs here, so the Deployment's
// pod is never started: `serve` runs on this machine with the pod's token,
// which is what the pod would hold.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT, audit, skipReason, useSandbox, type Cluster } from './helpers.js';
import { CHART, reservedVolumes, runTool, waitBound } from './owned-sets.js';
import { tokenKubeconfig } from './rbac.js';
import { ServeProcess, has } from './serve-process.js';
import { KINDS, apiGroupOf } from '../../src/kube/resources.js';
import { KubeClient } from '../../src/kube/client.js';
import { ApiError } from '../../src/kube/errors.js';
import path from 'node:path';

const DEPLOY_CHART = path.join(ROOT, 'deploy', 'chart');

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface Rendered {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  spec?: { template?: { spec?: { containers?: Array<{ args?: string[]; env?: Array<{ name: string; value: string }> }> } } };
}

async function render(args: string[]): Promise<Rendered[]> {
  const r = await runTool('helm3', ['template', 'r', DEPLOY_CHART, '-n', 'mon', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as Rendered)
    .filter(Boolean);
}

/** group/resource -> verbs, over every role rendered. */
function grants(docs: Rendered[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const d of docs.filter((x) => x.kind === 'ClusterRole' || x.kind === 'Role'))
    for (const rule of d.rules ?? [])
      for (const g of rule.apiGroups) for (const r of rule.resources) out.set(`${g}/${r}`, new Set([...(out.get(`${g}/${r}`) ?? []), ...rule.verbs]));
  return out;
}

const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate'];

describe.skipIf(!!skipReason)('deploy/chart with the real helm', () => {
  const sandbox = useSandbox();

  it('helm 3 and 4 lint it; its roles read (get, list, watch) exactly the kinds the audit reads, and write nothing', async () => {
    for (const helm of ['helm3', 'helm4']) {
      const lint = await runTool(helm, ['lint', DEPLOY_CHART]);
      expect(lint.code, lint.stdout + lint.stderr).toBe(0);
    }
    for (const variant of [[], ['--set', 'watchNamespace=shop']]) {
      const docs = await render(variant);
      const granted = grants(docs);
      const watched = [...granted].filter(([, verbs]) => verbs.has('watch')).map(([k]) => k);
      expect(watched.sort()).toEqual(KINDS.map((k) => `${apiGroupOf(k.kind)}/${k.resource}`).sort());
      for (const [key, verbs] of granted)
        expect(
          [...verbs].filter((v) => WRITE_VERBS.includes(v)),
          key,
        ).toEqual([]);
      // The owner records: label-selected lists only.
      expect([...granted.get('/secrets')!]).toEqual(['list']);
      const args = docs.find((d) => d.kind === 'Deployment')!.spec!.template!.spec!.containers![0]!.args!;
      expect(args).toContain(variant.length ? '--namespace=shop' : '--all-namespaces');
    }
    const monitored = await render(['--set', 'serviceMonitor.enabled=true', '--set', 'prometheusRule.enabled=true']);
    expect(monitored.map((d) => d.kind)).toEqual(expect.arrayContaining(['ServiceMonitor', 'PrometheusRule']));
    const off = await render(['--set', 'rbac.helmReleaseSecrets=false']);
    expect(grants(off).has('/secrets')).toBe(false);
    // V8's limits, from the values (bench:soak measures what they do).
    const nodeOptions = (docs: Rendered[]) =>
      docs.find((d) => d.kind === 'Deployment')!.spec!.template!.spec!.containers![0]!.env!.find((e) => e.name === 'NODE_OPTIONS')!.value;
    expect(nodeOptions(await render([]))).toBe('--max-old-space-size=384 --max-semi-space-size=2');
    expect(nodeOptions(await render(['--set', 'serve.maxHeapMiB=160', '--set', 'serve.youngGenerationMiB=0']))).toBe('--max-old-space-size=160');
    // glibc's mmap threshold, as a string (env values are strings), and none at 0.
    const mmapThreshold = (docs: Rendered[]) =>
      docs.find((d) => d.kind === 'Deployment')!.spec!.template!.spec!.containers![0]!.env!.find((e) => e.name === 'MALLOC_MMAP_THRESHOLD_')?.value;
    expect(mmapThreshold(await render([]))).toBe('65536');
    // A values file (or --set-json) gives Helm a float: a large one must still reach glibc as digits, not 1.048576e+06.
    expect(mmapThreshold(await render(['--set-json', 'serve.mallocMmapThreshold=1048576']))).toBe('1048576');
    expect(mmapThreshold(await render(['--set', 'serve.mallocMmapThreshold=0']))).toBeUndefined();
    // serve's --low-memory is its default: the chart passes only the way out.
    const serveArgs = (docs: Rendered[]) => docs.find((d) => d.kind === 'Deployment')!.spec!.template!.spec!.containers![0]!.args!;
    expect(serveArgs(await render([]))).not.toContain('--no-low-memory');
    expect(serveArgs(await render(['--set', 'serve.lowMemory=false']))).toContain('--no-low-memory');
  });

  const installAndAudit = async (cluster: Cluster, variant: 'cluster' | 'namespace') => {
    const ns = await cluster.namespace(`chart-${variant}`);
    // Something to audit, owned by a Helm release, so the release Secret is read too.
    const className = `chart-${ns}`;
    await reservedVolumes(cluster, ns, className, ['data-db-0', 'data-db-1']);
    const db = await runTool('helm3', ['install', 'r', CHART, '-n', ns, '--set', `persistence.storageClass=${className}`]);
    expect(db.code, db.stderr).toBe(0);
    await waitBound(cluster, ns, ['data-db-0', 'data-db-1']);
    const release = `ss-${ns}`.slice(0, 40);
    const set = variant === 'namespace' ? ['--set', `watchNamespace=${ns}`] : [];
    const installed = await runTool('helm3', ['install', release, DEPLOY_CHART, '-n', ns, ...set]);
    expect(installed.code, installed.stderr).toBe(0);
    try {
      const token = await tokenKubeconfig(cluster, ns, `${release}-kubectl-sts-storage`);
      const scope = variant === 'namespace' ? ['-n', ns] : ['-A'];
      const { result, report } = await audit(scope, { kubeconfig: token });
      expect(result.stderr).not.toContain('warning');
      expect(report.skipped).toEqual([]);
      expect(report.ownersSkipped).toBeUndefined();
      expect(report.owners).toContainEqual(expect.objectContaining({ statefulSet: `${ns}/db`, type: 'helm' }));

      const serve = await ServeProcess.start([...scope, '--interval', '1s', '--settle', '200ms'], { kubeconfig: token });
      try {
        await serve.waitFor('a current audit', (s) => has(s, 'sts_storage_findings_stale', {}, 0));
        const samples = await serve.metrics();
        expect(samples.filter((s) => s.name === 'sts_storage_check_skipped')).toEqual([]);
        expect(samples.filter((s) => s.name === 'sts_storage_watch_up' && s.value !== 1)).toEqual([]);
        expect(samples.filter((s) => s.name === 'sts_storage_watch_restarts_total' && s.value > 0)).toEqual([]);
      } finally {
        expect(await serve.stop()).toBe(0);
      }

      // The token may not write: the API server refuses it.
      const client = await KubeClient.fromOptions({ kubeconfig: token, requestTimeoutMs: 30_000 });
      try {
        const write = client.request('PATCH', `/api/v1/namespaces/${ns}/persistentvolumeclaims/data-db-0`, {
          body: { metadata: { labels: { touched: 'yes' } } },
          contentType: 'application/merge-patch+json',
        });
        await expect(write).rejects.toSatisfy((e) => e instanceof ApiError && e.forbidden);
      } finally {
        client.close();
      }
    } finally {
      // The ClusterRole and its binding are cluster-wide: helm removes what it installed.
      const removed = await runTool('helm3', ['uninstall', release, '-n', ns]);
      expect(removed.code, removed.stderr).toBe(0);
    }
  };

  it('installed cluster-wide: its ServiceAccount audits and serves every namespace with nothing skipped, and cannot write', async () => {
    await installAndAudit(sandbox.cluster, 'cluster');
  });

  it('installed for one namespace: its ServiceAccount audits and serves that namespace with nothing skipped, and cannot write', async () => {
    await installAndAudit(sandbox.cluster, 'namespace');
  });
});
