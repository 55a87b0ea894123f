import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cluster, ROOT, harnessKubectl, kubeconfig, skipReason } from './helpers.js';
import { statefulSet } from './fixtures.js';

// The harness binary carries a real kubectl (k8s.io/kubectl), so plugin
// dispatch and plugin completion are tested without one on the machine.
describe.skipIf(!!skipReason || !harnessKubectl())('kubectl plugin dispatch and completion', () => {
  let cluster: Cluster;
  beforeEach(() => {
    cluster = new Cluster();
  });
  afterEach(async () => {
    await cluster.cleanup();
  });
  const kubectl = (...args: string[]) =>
    spawnSync(harnessKubectl()!, ['kubectl', ...args], {
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: kubeconfig, PATH: `${path.join(ROOT, 'bin')}:${process.env['PATH']}` },
    });

  it('`kubectl sts-storage` runs the plugin, and <TAB> completes namespaces and StatefulSet names', async () => {
    const ns = await cluster.namespace('complete');
    await cluster.create(statefulSet('orders-db', { storageClassName: '' }), ns);
    const version = kubectl('sts-storage', 'version');
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/^kubectl-sts-storage \d/);
    const namespaces = kubectl('__complete', 'sts-storage', 'show', '-n', 'complete-');
    expect(namespaces.stdout).toContain(ns);
    const sets = kubectl('__complete', 'sts-storage', 'show', '-n', ns, 'ord');
    expect(sets.stdout.split('\n')).toContain('orders-db');
  });
});
