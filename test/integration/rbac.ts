import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Cluster, kubeconfig } from './helpers.js';

/** A ServiceAccount that may only read claims, StatefulSets, pods and events in one namespace. */
export async function namespaceReaderKubeconfig(cluster: Cluster, ns: string): Promise<string> {
  await cluster.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader' } }, ns);
  await cluster.create(
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'storage-reader' },
      rules: [
        { apiGroups: [''], resources: ['persistentvolumeclaims', 'pods', 'events', 'services'], verbs: ['get', 'list'] },
        { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list'] },
      ],
    } as never,
    ns,
  );
  await cluster.create(
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'storage-reader' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'storage-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns }],
    } as never,
    ns,
  );
  return tokenKubeconfig(cluster, ns, 'reader');
}

/** Mints a token through the TokenRequest API and writes a kubeconfig that uses it. */
export async function tokenKubeconfig(cluster: Cluster, ns: string, serviceAccount: string): Promise<string> {
  const tr = await cluster.client.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${serviceAccount}/token`, {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  const admin = fs.readFileSync(kubeconfig, 'utf8');
  const ca = /certificate-authority-data: (\S+)/.exec(admin)![1];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sts-storage-')), 'kubeconfig');
  fs.writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: ${cluster.client.server}, certificate-authority-data: ${ca}}}]
users: [{name: ${serviceAccount}, user: {token: ${tr.status.token}}}]
contexts: [{name: c, context: {cluster: c, user: ${serviceAccount}, namespace: ${ns}}}]
current-context: c
`,
  );
  return file;
}

/** The audit ClusterRole of docs/guide.md, rule for rule. */
export const AUDIT_RULES = [
  { apiGroups: [''], resources: ['persistentvolumeclaims', 'pods', 'events', 'services', 'persistentvolumes', 'nodes'], verbs: ['get', 'list'] },
  { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list'] },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses', 'volumeattachments', 'csidrivers', 'csinodes'], verbs: ['get', 'list'] },
  { apiGroups: ['snapshot.storage.k8s.io'], resources: ['volumesnapshots', 'volumesnapshotcontents', 'volumesnapshotclasses'], verbs: ['get', 'list'] },
];

/** The fix-claimref/prebind addition of docs/guide.md. */
export const PV_REPAIR_RULES = [{ apiGroups: [''], resources: ['persistentvolumes'], verbs: ['patch'] }];

/** A ServiceAccount bound to a ClusterRole that can read everything the audit reads, and write nothing. */
export async function readOnlyClusterKubeconfig(cluster: Cluster, ns: string, extraRules: object[] = []): Promise<string> {
  const sa = extraRules.length ? 'repairer' : 'viewer';
  await cluster.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa } }, ns);
  const name = `sts-storage-${sa}-${ns}`;
  await cluster.create({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name },
    rules: [...AUDIT_RULES, ...extraRules],
  } as never);
  await cluster.create({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name: sa, namespace: ns }],
  } as never);
  return tokenKubeconfig(cluster, ns, sa);
}
