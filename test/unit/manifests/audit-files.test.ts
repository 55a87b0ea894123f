import { resourceInfo } from '../../../src/kube/resources.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { main } from '../../../src/cli/main.js';
import { ALL_CHECKS } from '../../../src/checks/index.js';
import type { AuditReport } from '../../../src/output/report.js';
import { memoryIO } from '../../integration/io.js';
import { loadFixture } from '../checks/fixture-loader.js';

const FIXTURE_NOW = '2026-01-01T12:00:00Z';

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sts-manifests-'));
}

async function audit(args: string[], stdin?: string) {
  const io = memoryIO();
  if (stdin !== undefined) {
    const s = new PassThrough();
    s.end(stdin);
    io.stdin = s;
  }
  const code = await main(['audit', ...args], io);
  return { code, stdout: io.out(), stderr: io.err() };
}

async function auditJson(args: string[], stdin?: string): Promise<{ code: number; report: AuditReport; stderr: string }> {
  const r = await audit([...args, '-o', 'json', '--now', FIXTURE_NOW], stdin);
  return { code: r.code, stderr: r.stderr, report: JSON.parse(r.stdout) as AuditReport };
}

/**
 * A fixture holds only what its check reads; as a file, a claim or a PV also
 * needs what the API server requires of one (access modes, a size, a volume
 * source), or the manifest reader refuses it as the server would. Filled in
 * only where absent, with values no check's verdict turns on.
 */
function asServerAccepts(o: Record<string, any>): Record<string, any> {
  const c = structuredClone(o);
  if (c.kind === 'PersistentVolumeClaim') {
    c.spec ??= {};
    if (!c.spec.accessModes?.length) c.spec.accessModes = ['ReadWriteOnce'];
    c.spec.resources ??= {};
    c.spec.resources.requests ??= {};
    c.spec.resources.requests.storage ??= c.status?.capacity?.storage ?? '1Gi';
  }
  if (c.kind === 'PersistentVolume') {
    c.spec ??= {};
    if (!c.spec.accessModes?.length) c.spec.accessModes = ['ReadWriteOnce'];
    c.spec.capacity ??= {};
    c.spec.capacity.storage ??= '1Gi';
    const sources = Object.keys(c.spec).filter(
      (k) =>
        ![
          'accessModes',
          'capacity',
          'claimRef',
          'storageClassName',
          'persistentVolumeReclaimPolicy',
          'nodeAffinity',
          'volumeMode',
          'mountOptions',
          'volumeAttributesClassName',
        ].includes(k),
    );
    if (sources.length === 0) c.spec.hostPath = { path: `/data/${c.metadata?.name ?? 'pv'}` };
    // A local volume names its node.
    if (c.spec.local && !c.spec.nodeAffinity)
      c.spec.nodeAffinity = {
        required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-a'] }] }] },
      };
  }
  return c;
}

describe('audit -f runs the file-decidable checks on each fixture', () => {
  for (const check of ALL_CHECKS) {
    for (const c of loadFixture(check.id)) {
      // Preflight-only and namespaced-scope cases need a cluster.
      if (c.live || c.namespace || c.unavailable || c.serverVersion || c.owners) continue;
      it(`${check.code} ${c.name}`, async () => {
        const dir = tmpdir();
        const file = path.join(dir, 'objects.yaml');
        fs.writeFileSync(file, c.objects.map((o) => stringify(asServerAccepts(o))).join('---\n'));
        const { report, stderr } = await auditJson(['-f', file]);
        expect(stderr).not.toMatch(/^error:/m);
        const skipped = report.skipped.some((s) => s.check === check.code);
        const kindsInFile = new Set(c.objects.map((o) => o.kind));
        // A check runs offline exactly when every kind it reads is one a manifest can carry (the kinds
        // table says which) and the file carries it, and it needs no owner records.
        const runsOffline = !check.needsOwners && check.needs.every((n) => resourceInfo(n).inManifests && kindsInFile.has(resourceInfo(n).kind));
        expect(skipped).toBe(!runsOffline);
        if (skipped) return;
        const got = report.findings
          .filter((f) => f.code === check.code)
          .map((f) => `${f.code} ${f.object.kind}/${f.object.name} ${f.severity}`)
          .sort();
        const want = c.expect.map((e) => (e.split(' ').length === 2 ? `${e} ${check.severity}` : e)).sort();
        expect(got).toEqual(want);
        for (const f of report.findings.filter((x) => x.code === check.code)) expect(f.location?.file).toBe(file);
      });
    }
  }
});

const SEED_000 = `# rendered by helm template
---
# Source: mysql/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: mysql
  namespace: shop
spec:
  clusterIP: None
  selector: {app: mysql}
---
# Source: mysql/templates/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: mysql
  namespace: shop
spec:
  serviceName: mysql
  selector: {matchLabels: {app: mysql}}
  template:
    metadata: {labels: {app: mysql}}
    spec:
      containers:
      - name: mysql
        image: mysql:8
        volumeMounts:
        - name: mysql-data
          mountPath: /var/lib/mysql
  volumeClaimTemplates:
  - metadata: {name: pvc-mysql-data-xxx}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: unrelated}
data: {a: b}
---
`;

describe('audit -f inputs', () => {
  it('reads a Helm-style stream from stdin, with comments and separators, ignoring unknown kinds', async () => {
    const { code, report } = await auditJson(['-f', '-'], SEED_000);
    expect(code).toBe(1);
    expect(report.scope).toMatchObject({ source: 'manifests', files: ['<stdin>'] });
    expect(report.findings.map((f) => f.code).sort()).toEqual(['STS-001', 'STS-002']);
    expect(report.findings[0]!.location).toEqual({ file: '<stdin>', document: 2, line: 14 });
    expect(report.skipped.map((s) => s.check)).toContain('STS-005');
    expect(report.skipped.find((s) => s.check === 'STS-005')!.reason).toMatch(/not read without --preflight/);
  });

  it('reads a directory, descending only with -R, and kind: List', async () => {
    const dir = tmpdir();
    fs.mkdirSync(path.join(dir, 'nested'));
    fs.writeFileSync(
      path.join(dir, 'svc.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop' }, spec: { clusterIP: '10.0.0.3', ports: [{ port: 3306 }] } }],
      }),
    );
    const withoutService = SEED_000.split(/^---$/m)
      .filter((d) => !d.includes('kind: Service'))
      .join('---');
    fs.writeFileSync(path.join(dir, 'nested', 'sts.yaml'), withoutService.replaceAll('mysql', 'db'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a manifest');
    const flat = await auditJson(['-f', dir]);
    expect(flat.report.findings).toEqual([]);
    expect(flat.report.scope.files).toEqual([path.join(dir, 'svc.json')]);
    const deep = await auditJson(['-f', dir, '-R']);
    expect(deep.report.findings.map((f) => `${f.code} ${f.object.name}`).sort()).toEqual(['STS-001 db', 'STS-002 db', 'STS-007 db']);
    expect(deep.report.findings.find((f) => f.code === 'STS-007')!.message).toContain('not headless');
  });

  it('names the file, document and line of broken YAML and exits 2 without a report', async () => {
    const dir = tmpdir();
    const file = path.join(dir, 'broken.yaml');
    fs.writeFileSync(file, `${SEED_000}apiVersion: v1\nkind: Service\nmetadata: {name: x\n`);
    const r = await audit(['-f', file, '-o', 'json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} document 4 \\(line \\d+\\): `));
    expect(r.stderr).toContain('--continue-on-error');
  });

  it('with --continue-on-error reports what parsed, lists the errors, and still exits 2', async () => {
    const dir = tmpdir();
    const file = path.join(dir, 'broken.yaml');
    fs.writeFileSync(file, `${SEED_000}apiVersion: v1\nkind: Service\nmetadata: {name: x\n`);
    const r = await auditJson(['-f', file, '--continue-on-error']);
    expect(r.code).toBe(2);
    expect(r.report.findings.map((f) => f.code).sort()).toEqual(['STS-001', 'STS-002']);
    expect(r.report.errors).toHaveLength(1);
  });

  it('warns of duplicate keys as the API server does (the last wins), refuses them with --strict; rejects binary files and missing paths', async () => {
    const dir = tmpdir();
    const dup = path.join(dir, 'dup.yaml');
    fs.writeFileSync(dup, 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nmetadata: {name: b}\nspec: {clusterIP: None}\n');
    const warned = await auditJson(['-f', dup]);
    expect(warned.stderr).toMatch(/warning: .*dup\.yaml document 1 \(line 4\): duplicate field "metadata"/);
    expect(warned.code).toBe(0);
    const strict = await audit(['-f', dup, '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/error: .*dup\.yaml document 1 \(line 4\): duplicate field "metadata"/);
    const bin = path.join(dir, 'bin.yaml');
    fs.writeFileSync(bin, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]));
    const b = await audit(['-f', bin]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('binary content');
    const missing = await audit(['-f', path.join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file or directory');
  });

  it('does not need or read a kubeconfig', async () => {
    const r = await audit(['-f', '-', '--kubeconfig', '/nonexistent'], SEED_000);
    expect(r.code).toBe(1);
  });
});

describe('audit -o sarif', () => {
  it('is valid SARIF 2.1.0 with one rule per code and results located in the files', async () => {
    const r = await audit(['-f', '-', '-o', 'sarif'], SEED_000);
    const sarif = JSON.parse(r.stdout);
    const schema = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../fixtures/sarif-2.1.0-rtm.5.json'), 'utf8'));
    // The SARIF schema's language pattern is not valid with the u flag.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const ok = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(ALL_CHECKS.map((c) => c.code));
    expect(run.results.map((x: { ruleId: string; level: string }) => `${x.ruleId} ${x.level}`).sort()).toEqual(['STS-001 error', 'STS-002 warning']);
    expect(run.results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'stdin' }, region: { startLine: 14 } });
  });
});
