// Gives the integration suite a cluster: STS_STORAGE_TEST_KUBECONFIG when set
// (kind or any disposable cluster), else the project's own control plane
// built from the k8s.io/kubernetes module; and the tools users run beside
// this one (helm 3 and 4, prometheus-operator, the CSI snapshot-controller),
// built from the Go module proxy; the snapshot CRDs are installed before any test. Without either, the suite is
// skipped with a reason, and under CI=true or REQUIRE_INTEGRATION=1 that skip
// is a failure.
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM script without types
import { up, down, hasGo, buildInBackground, kubernetesVersion, releases } from '../../scripts/cluster.mjs';
// @ts-expect-error plain ESM script without types
import { buildTools } from '../../scripts/go-tools.mjs';
import { installSnapshotCrds } from './snapshot-crds.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    skipReason: string;
    /** helm3, helm4, prometheus-operator, prometheus (a folder with prometheus and promtool), snapshot-controller: built from the Go module proxy (scripts/go-tools.mjs) */
    tools: Record<string, string>;
  }
}

export default async function setup(project: TestProject) {
  const required = process.env['CI'] === 'true' || process.env['REQUIRE_INTEGRATION'] === '1';
  const external = process.env['STS_STORAGE_TEST_KUBECONFIG'];
  if (!hasGo()) {
    const reason = 'integration tests skipped: no Go toolchain to build the control plane and the tools users run beside this one';
    if (required) throw new Error(`${reason} (CI=true or REQUIRE_INTEGRATION=1 makes this an error)`);
    process.stderr.write(`${reason}\n`);
    project.provide('kubeconfig', '');
    project.provide('skipReason', reason);
    project.provide('tools', {});
    return;
  }
  // The tools build in child processes while the control plane builds (its go build blocks this thread, not theirs).
  const tools = buildTools() as Promise<Record<string, string>>;
  tools.catch(() => {}); // awaited below; a failure is reported there
  // Under CI the upgrade test's legacy release builds here too, in parallel, instead of inside that
  // test while every other file waits (about 7 minutes on a cold machine).
  const legacy = (releases() as Array<{ version: string; support: string }>).find((r) => r.support === 'legacy')?.version;
  const legacyBuild: Promise<unknown> = required && !external && legacy && legacy !== kubernetesVersion() ? buildInBackground(legacy) : Promise.resolve();
  legacyBuild.catch(() => {});
  if (external) {
    await installSnapshotCrds(external);
    project.provide('kubeconfig', external);
    project.provide('skipReason', '');
    project.provide('tools', await tools);
    return;
  }
  const started = await up();
  await installSnapshotCrds(started.kubeconfig);
  project.provide('kubeconfig', started.kubeconfig);
  project.provide('skipReason', '');
  project.provide('tools', await tools);
  await legacyBuild;
  return async () => {
    // Leave a cluster the developer started with `npm run cluster:up`.
    if (started.startedHere && process.env['STS_STORAGE_KEEP_CLUSTER'] !== '1') await down();
  };
}
