// `undo` without a backup lists what concerns you (issue #25): this cluster's
// backups only, newest first, narrowed by -n, fitting the terminal, each with
// the command as it was typed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { memoryIO } from '../../integration/io.js';

function kubeconfig(dir: string, server: string): string {
  const file = path.join(dir, 'kubeconfig');
  fs.writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', namespace: 'shop' } }],
      'current-context': 'x',
    }),
  );
  return file;
}

function backup(
  root: string,
  name: string,
  created: string,
  server: string,
  command: string,
  objects: Array<{ kind: string; namespace?: string; name: string; claimNamespace?: string }>,
) {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  const entries = objects.map((o, i) => {
    const file = `${i}.yaml`;
    const object = {
      kind: o.kind,
      metadata: { name: o.name, namespace: o.namespace },
      spec: o.claimNamespace ? { claimRef: { namespace: o.claimNamespace, name: 'data-web-0' } } : {},
    };
    fs.writeFileSync(path.join(dir, file), stringify(object));
    fs.writeFileSync(path.join(dir, `after-${file}`), stringify(object));
    return {
      kind: o.kind,
      namespace: o.namespace,
      name: o.name,
      uid: `u${i}`,
      resourceVersionBefore: '1',
      file,
      afterFile: `after-${file}`,
      owned: [],
      status: 'applied',
    };
  });
  fs.writeFileSync(
    path.join(dir, 'backup.yaml'),
    stringify({ apiVersion: 'sts-storage.kubectl.io/v1alpha1', kind: 'RepairBackup', command, created, server, objects: entries }),
  );
}

describe('undo (the list)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'undo-list-'));
  const here = 'https://here.example:6443';
  backup(root, '20261201-100000-fix-claimref', '2026-12-01T10:00:00Z', here, 'fix-claimref pv-shop-0 --yes', [
    { kind: 'PersistentVolume', name: 'pv-shop-0', claimNamespace: 'shop' },
  ]);
  backup(root, '20261203-100000-restore', '2026-12-03T10:00:00Z', here, 'restore web -n shop -f web.yaml --yes', [
    { kind: 'PersistentVolume', name: 'pv-a-very-long-name-that-takes-most-of-a-line-0123456789abcdef', claimNamespace: 'shop' },
  ]);
  backup(root, '20261202-100000-protect', '2026-12-02T10:00:00Z', here, 'protect db -n other --retention --yes', [
    { kind: 'StatefulSet', namespace: 'other', name: 'db' },
  ]);
  backup(root, '20261204-100000-resize', '2026-12-04T10:00:00Z', 'https://elsewhere.example:6443', 'resize web -n shop --to 2Gi --yes', [
    { kind: 'StatefulSet', namespace: 'shop', name: 'web' },
  ]);
  const config = kubeconfig(fs.mkdtempSync(path.join(os.tmpdir(), 'undo-kc-')), here);
  const list = async (...args: string[]) => {
    const io = memoryIO({ COLUMNS: '80' });
    const code = await main(['undo', '--kubeconfig', config, '--backup-dir', root, ...args], io);
    return { code, out: io.out() };
  };

  it("lists this cluster's backups newest first, with the command as typed, within 80 columns", async () => {
    const { code, out } = await list();
    expect(code).toBe(0);
    const names = [...out.matchAll(/^(\d{8}-\d{6}-[a-z-]+)/gm)].map((m) => m[1]);
    expect(names).toEqual(['20261203-100000-restore', '20261202-100000-protect', '20261201-100000-fix-claimref']);
    expect(out).toContain('kubectl sts-storage restore web -n shop -f web.yaml --yes');
    expect(out).toContain('1 more of other clusters or namespaces');
    for (const line of out.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('-n keeps the backups touching that namespace, a PV by its claim', async () => {
    const { out } = await list('-n', 'other');
    expect([...out.matchAll(/^(\d{8}-\d{6}-[a-z-]+)/gm)].map((m) => m[1])).toEqual(['20261202-100000-protect']);
    const shop = await list('-n', 'shop');
    expect([...shop.out.matchAll(/^(\d{8}-\d{6}-[a-z-]+)/gm)].map((m) => m[1])).toEqual(['20261203-100000-restore', '20261201-100000-fix-claimref']);
  });
});
