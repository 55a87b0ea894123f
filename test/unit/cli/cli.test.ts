// The CLI's contract without a cluster: usage errors exit 2, kubeconfig
// problems exit 3 (or 2 for an unknown --context) with one line, no stack.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { memoryIO } from '../../integration/io.js';
import { ALL_CHECKS } from '../../../src/checks/index.js';

async function run(args: string[], env: Record<string, string> = {}) {
  const io = memoryIO({ HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'home-')), ...env });
  const saved = { KUBECONFIG: process.env['KUBECONFIG'], HOME: process.env['HOME'] };
  process.env['HOME'] = io.env['HOME'];
  if (env['KUBECONFIG'] !== undefined) process.env['KUBECONFIG'] = env['KUBECONFIG'];
  else delete process.env['KUBECONFIG'];
  try {
    const code = await main(args, io);
    return { code, stdout: io.out(), stderr: io.err() };
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

const tmp = (name: string, text: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kc-')), name);
  fs.writeFileSync(file, text);
  return file;
};

const validKubeconfig = (extra = '') => `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: ctx, context: {cluster: c, user: u, namespace: shop}}]
current-context: ctx
${extra}`;

describe('CLI', () => {
  it('prints help and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['audit', 'fix-claimref', 'prebind', 'generate-template', 'fix-mounts', 'explain', 'version']) expect(r.stdout).toContain(c);
  });

  it('exits 2 on an unknown command or flag', async () => {
    expect((await run(['audtit'])).code).toBe(2);
    const r = await run(['audit', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown flag --bogus/);
  });

  it('exits 2 on a bad -o, --fail-on or duration', async () => {
    expect((await run(['audit', '-o', 'xml'])).code).toBe(2);
    expect((await run(['audit', '--fail-on', 'fatal'])).code).toBe(2);
    const r = await run(['audit', '--kubeconfig', tmp('kc', validKubeconfig()), '--request-timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--request-timeout');
  });

  it('says there is no kubeconfig (exit 3, one line, no stack trace)', async () => {
    const r = await run(['audit']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('no kubeconfig found');
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('reports a missing or malformed --kubeconfig with its path (exit 3)', async () => {
    const missing = await run(['audit', '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('/nonexistent/kubeconfig');
    const malformed = await run(['audit', '--kubeconfig', tmp('bad', 'clusters: [unclosed')]);
    expect(malformed.code).toBe(3);
    expect(malformed.stderr).toMatch(/cannot load kubeconfig/);
  });

  it('exits 2 for an unknown --context, naming the ones that exist', async () => {
    const r = await run(['audit', '--kubeconfig', tmp('kc', validKubeconfig()), '--context', 'prod']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('context "prod" does not exist in the kubeconfig (contexts: ctx)');
  });

  it('exits 3 with the server and cause when the API server cannot be reached', async () => {
    const r = await run(['audit', '--kubeconfig', tmp('kc', validKubeconfig()), '--request-timeout', '2s']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('https://127.0.0.1:1');
    expect(r.stderr).toMatch(/ECONNREFUSED/);
    expect(r.stdout).toBe('');
  });

  it('exits 3 when an exec credential plugin is missing', async () => {
    const kc = validKubeconfig().replace('user: {token: t}', 'user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: no-such-credential-helper}}');
    const r = await run(['audit', '--kubeconfig', tmp('kc', kc), '--request-timeout', '2s']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/credentials|no-such-credential-helper|ENOENT/);
  });

  it("exits 3 with the plugin's own words when an exec credential plugin fails", async () => {
    const plugin = tmp('expired-login', '#!/bin/sh\necho "error: the SSO session has expired, run login" >&2\nexit 1\n');
    fs.chmodSync(plugin, 0o755);
    const kc = validKubeconfig().replace('user: {token: t}', `user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ${plugin}}}`);
    const r = await run(['audit', '--kubeconfig', tmp('kc', kc), '--request-timeout', '2s']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('SSO session has expired');
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('validates repair arguments before touching the cluster', async () => {
    const kc = tmp('kc', validKubeconfig());
    expect((await run(['fix-claimref', '--kubeconfig', kc])).stderr).toContain('name at least one PersistentVolume, or pass --all');
    expect((await run(['prebind', 'pv-1', '--kubeconfig', kc, '--claim', 'a/B_C'])).code).toBe(2);
    const negative = await run(['prebind', 'pv-1', '--kubeconfig', kc, '--statefulset', 'db', '--ordinal', '-1']);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain('--ordinal must be a whole number');
    expect((await run(['fix-mounts', 'db', '--kubeconfig', kc, '--rename', 'nonsense'])).stderr).toContain('--rename takes OLD=NEW');
    expect((await run(['generate-template', 'db', '--kubeconfig', kc, '--size', 'big'])).code).toBe(2);
    const cases: Array<[string[], string]> = [
      [['prebind', 'pv-1', '--claim', 'Bad_Name'], 'claim "Bad_Name" is not a valid name'],
      [['prebind', 'pv-1', '--claim', 'later', '--access-mode', 'ReadWriteOnce'], '--access-mode and --storage-class describe the claim together with --size'],
      [['prebind', 'pv-1', '--claim', 'later', '--size', 'big'], '--size "big" is not a quantity'],
      [['restore', 'web', '--force'], 'restore never takes a PV from a live claim'],
      [['restore', 'web', '--volumes', 'pv-a', '--from-namespace', 'old'], '--volumes names the PVs itself'],
      [['resize', 'web', '--to', 'lots'], '--to "lots" is not a storage size'],
      [['resize', 'web', '--to', '2Gi', '-A'], 'resize changes one StatefulSet of one namespace'],
      [['recover-expansion', 'data-web-0', '--to', '0'], '--to "0" is not a storage size'],
      [['protect', 'web', '-A'], 'protect changes one StatefulSet of one namespace'],
    ];
    for (const [args, text] of cases) {
      const r = await run([...args, '--kubeconfig', kc]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(text);
    }
  });

  it('explains a code from its metadata, and lists the catalog', async () => {
    const one = await run(['explain', 'pv-002']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('PV-002 (error)');
    expect(one.stdout).toContain('fix-claimref');
    const all = await run(['explain']);
    expect(all.stdout.match(/^(STS|PVC|PV|VS)-\d{3}/gm)).toHaveLength(ALL_CHECKS.length);
    expect((await run(['explain', 'XYZ-1'])).code).toBe(2);
  });

  it('fits the catalog to COLUMNS, wrapping titles rather than cutting them', async () => {
    const narrow = await run(['explain'], { COLUMNS: '60' });
    const lines = narrow.stdout.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(60);
    expect(narrow.stdout.match(/^(STS|PVC|PV|VS)-\d{3}/gm)).toHaveLength(ALL_CHECKS.length);
    const words = (text: string) =>
      text
        .replace(/^(STS|PVC|PV|VS)-\d{3}\s+\S+/gm, '')
        .split(/\s+/)
        .filter(Boolean);
    expect(words(narrow.stdout)).toEqual(words((await run(['explain'])).stdout));
  });

  it('prints its version', async () => {
    const r = await run(['version']);
    expect(r.stdout).toMatch(/^kubectl-sts-storage \d+\.\d+\.\d+ \(commit \S+, node v\d+/);
  });
});

describe('an answer that is not Kubernetes JSON', () => {
  it('is an error naming the URL and the content type (exit 3), never an empty all-clear', async () => {
    // A real local HTTP server standing where the API server should be, as a proxy's login page would.
    const http = await import('node:http');
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><body>Sign in to continue</body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const kubeconfig = tmp(
        'kc',
        validKubeconfig().replace("server: 'https://127.0.0.1:1'", `server: 'http://127.0.0.1:${port}', insecure-skip-tls-verify: true`),
      );
      const r = await run(['audit', '-A', '--kubeconfig', kubeconfig]);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        new RegExp(
          `http://127\\.0\\.0\\.1:${port} answered GET /\\S+ with 200 and content type text/html; charset=utf-8, not a Kubernetes JSON object \\(it begins "<!doctype html>`,
        ),
      );
    } finally {
      server.close();
    }
  });
});

describe('usage errors keep their details', () => {
  const rows: Array<[string[], string]> = [
    [['audit', '-o', 'yml'], 'error: invalid value "yml" for output: choose table, wide, json, yaml, sarif (did you mean yaml?)'],
    [['audit', '--fail-on', 'critical'], 'error: invalid value "critical" for fail-on: choose error, warning, info, never'],
    [['completion', 'tcsh'], 'error: invalid value "tcsh" for shell: choose bash, zsh, fish, powershell'],
    [['audti'], 'error: unknown command; did you mean audit?'],
    [['fix-claimref', 'pv-a', '--dry-run=maybe'], 'error: --dry-run must be server, client or none (got "maybe")'],
    [['audit', '--all-namespace'], 'error: unknown flag --all-namespace (did you mean --all-namespaces?)'],
    [['audit', '--namspace', 'x'], 'error: unknown flag --namspace (did you mean --namespace?)'],
  ];
  for (const [args, line] of rows) {
    it(args.join(' '), async () => {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(line);
    });
  }

  it('no command at all prints the help, as kubectl does', async () => {
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kubectl sts-storage <command> [options]');
    expect(r.stderr).toBe('');
  });
});

describe('flags every command takes, and what does not apply', () => {
  it('explain, version and completion accept the connection flags, as kubectl commands do', async () => {
    const kubeconfig = tmp('kc', validKubeconfig());
    expect((await run(['explain', 'PV-002', '--kubeconfig', kubeconfig, '-n', 'shop'])).code).toBe(0);
    expect((await run(['version', '--context', 'ctx', '--kubeconfig', kubeconfig])).code).toBe(0);
    expect((await run(['completion', 'bash', '-n', 'shop'])).code).toBe(0);
  });

  it('show -A is refused, not ignored', async () => {
    const r = await run(['show', 'web', '-A', '--kubeconfig', tmp('kc', validKubeconfig())]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('error: show draws one StatefulSet of one namespace: use -n NAMESPACE, not -A');
  });

  it('undo refuses a backup taken on another cluster, before reading anything', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'backups-'));
    const dir = path.join(root, '20261124T100000Z-fix-claimref');
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, 'backup.yaml'),
      'apiVersion: sts-storage.kubectl.io/v1alpha1\nkind: RepairBackup\ncreated: "2026-11-24T10:00:00Z"\ncommand: fix-claimref pv-a\nserver: https://prod.example:6443\nobjects: []\n',
    );
    const r = await run(['undo', dir, '--yes', '--kubeconfig', tmp('kc', validKubeconfig())], { STS_STORAGE_BACKUP_DIR: root });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      'error: backup 20261124T100000Z-fix-claimref was taken on https://prod.example:6443, but the current context points at https://127.0.0.1:1; switch with --context or --kubeconfig',
    );
  });
});
