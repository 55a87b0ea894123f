// Gives the integration suite a cluster: STS_STORAGE_TEST_KUBECONFIG when set
// (kind or any disposable cluster), else the project's own control plane
// built from the k8s.io/kubernetes module. Without either, the suite is
// skipped with a reason, and under CI=true or REQUIRE_INTEGRATION=1 that skip
// is a failure.
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM script without types
import { up, down, hasGo } from '../../scripts/cluster.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    skipReason: string;
  }
}

export default async function setup(project: TestProject) {
  const required = process.env['CI'] === 'true' || process.env['REQUIRE_INTEGRATION'] === '1';
  const external = process.env['STS_STORAGE_TEST_KUBECONFIG'];
  if (external) {
    project.provide('kubeconfig', external);
    project.provide('skipReason', '');
    return;
  }
  if (!hasGo()) {
    const reason = 'integration tests skipped: no Go toolchain to build the control plane and STS_STORAGE_TEST_KUBECONFIG is unset';
    if (required) throw new Error(`${reason} (CI=true or REQUIRE_INTEGRATION=1 makes this an error)`);
    process.stderr.write(`${reason}\n`);
    project.provide('kubeconfig', '');
    project.provide('skipReason', reason);
    return;
  }
  const started = await up();
  project.provide('kubeconfig', started.kubeconfig);
  project.provide('skipReason', '');
  return async () => {
    // Leave a cluster the developer started with `npm run cluster:up`.
    if (started.startedHere && process.env['STS_STORAGE_KEEP_CLUSTER'] !== '1') await down();
  };
}
