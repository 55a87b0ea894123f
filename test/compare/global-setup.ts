// The comparison's own control plane, fresh each run (.cache/compare-cluster),
// so that its namespaces carry the scenarios' names and nothing else is in it.
import path from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM script without types
import { up, down, hasGo } from '../../scripts/cluster.mjs';
// @ts-expect-error plain ESM script without types
import { buildTools } from '../../scripts/go-tools.mjs';

const DIR = path.resolve(import.meta.dirname, '..', '..', '.cache', 'compare-cluster');

export default async function setup(project: TestProject) {
  if (!hasGo()) throw new Error('npm run compare needs the Go toolchain to build the control plane');
  const tools = buildTools() as Promise<Record<string, string>>;
  tools.catch(() => {}); // awaited below
  await down(DIR);
  const started = await up(DIR);
  project.provide('kubeconfig', started.kubeconfig);
  project.provide('skipReason', '');
  // The helm-out-of-step scenario installs its release with the real helm.
  project.provide('tools', await tools);
  return async () => {
    if (process.env['STS_STORAGE_KEEP_CLUSTER'] !== '1') await down(DIR);
  };
}
