// The CSI snapshot CRDs (external-snapshotter client/v8, the version of the
// snapshot-controller the tests run), installed once before any test runs:
// every audit of the suite then reads the snapshot kinds, and no test sees
// them appear half-way. Left installed, as a cluster would have them.
import fs from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
// @ts-expect-error plain ESM script without types
import { snapshotCrdFiles } from '../../scripts/go-tools.mjs';
import { KubeClient } from '../../src/kube/client.js';
import { ApiError } from '../../src/kube/errors.js';
import type { KubeObject } from '../../src/kube/types.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

export async function installSnapshotCrds(kubeconfigPath: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const client = new KubeClient(kc, 30_000);
  try {
    const names: string[] = [];
    for (const file of snapshotCrdFiles() as string[]) {
      const crd = parse(fs.readFileSync(file, 'utf8')) as KubeObject;
      names.push(crd.metadata!.name!);
      try {
        await client.request('POST', CRDS, { body: crd });
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 409)) throw err;
      }
    }
    // Served only once Established: wait for each, so the first audit already reads them.
    const deadline = Date.now() + 60_000;
    for (const name of names) {
      for (;;) {
        const crd = await client.request<{ status?: { conditions?: Array<{ type: string; status: string }> } }>('GET', `${CRDS}/${name}`);
        if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
        if (Date.now() > deadline) throw new Error(`CRD ${name} was not Established within 60s`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    client.close();
  }
}
