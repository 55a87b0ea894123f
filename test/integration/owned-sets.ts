// What the owner tests share: CSI volumes reserved for a set's claims (so a
// resize can grow them), and the tools users run beside this one, run for real.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { kubeconfig, waitFor, type Cluster } from './helpers.js';
import type { Claim } from '../../src/kube/types.js';

export const tools = inject('tools');
export const DRIVER = 'csi.example.com';

/**
 * A CSI class of this test's own (expandable unless said), and one PV per claim name,
 * reserved for it by claimRef (no other test's claim can take them).
 */
export async function reservedVolumes(
  cluster: Cluster,
  ns: string,
  className: string,
  claims: string[],
  { size = '1Gi', expandable = true }: { size?: string; expandable?: boolean } = {},
): Promise<void> {
  await cluster.create({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: className },
    provisioner: DRIVER,
    reclaimPolicy: 'Retain',
    ...(expandable ? { allowVolumeExpansion: true } : {}),
  });
  for (const claim of claims)
    await cluster.create({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: `pv-${ns}-${claim}` },
      spec: {
        capacity: { storage: size },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: className,
        csi: { driver: DRIVER, volumeHandle: `${ns}-${claim}` },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name: claim },
      },
    });
}

export async function waitBound(cluster: Cluster, ns: string, claims: string[]): Promise<void> {
  await waitFor(
    `claims ${claims.join(', ')} Bound`,
    async () => {
      for (const c of claims) if ((await cluster.get<Claim>('PersistentVolumeClaim', c, ns))?.status?.phase !== 'Bound') return false;
      return true;
    },
    90_000,
  );
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A tool from scripts/go-tools.mjs, against the suite's cluster, with a HOME of its own. */
export function runTool(name: string, args: string[], opts: { cwd?: string } = {}): Promise<ToolResult> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-home-`));
  return new Promise((resolve) => {
    execFile(
      tools[name]!,
      args,
      {
        cwd: opts.cwd,
        env: { PATH: process.env['PATH'], HOME: home, KUBECONFIG: kubeconfig, XDG_CACHE_HOME: home, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home },
        timeout: 120_000,
      },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

export const CHART = path.join(import.meta.dirname, 'charts', 'db');

/**
 * A CRD for an owner's kind whose controller cannot run here (Argo CD, Flux,
 * ECK): the shape those projects register, with an open schema. CRDs are
 * cluster-wide and shared: created when absent and left installed (an
 * installed CRD with no objects changes nothing for other tests).
 */
export async function ensureCrd(cluster: Cluster, group: string, version: string, kind: string, plural: string): Promise<void> {
  const name = `${plural}.${group}`;
  const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions`;
  try {
    await cluster.client.request('POST', path, {
      body: {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name },
        spec: {
          group,
          scope: 'Namespaced',
          names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
          versions: [
            {
              name: version,
              served: true,
              storage: true,
              subresources: { status: {} },
              schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
            },
          ],
        },
      },
    });
  } catch (err) {
    if (!(err instanceof Error && /already exists/.test(err.message))) throw err;
  }
  await waitFor(`CRD ${name} established and served`, async () => {
    try {
      await cluster.client.request('GET', `/apis/${group}/${version}/${plural}`);
      return true;
    } catch {
      return false;
    }
  });
}
