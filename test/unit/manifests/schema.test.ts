// Documents of the kinds `audit -f` reads are validated against the newest
// supported release's OpenAPI schema before any check sees them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { readManifests } from '../../../src/snapshot/load-from-manifests.js';
import { SCHEMA_VERSION } from '../../../src/snapshot/validate-manifest.js';
import { runChecks } from '../../../src/checks/run-checks.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';
import { memoryIO } from '../../integration/io.js';
// @ts-expect-error plain ESM script without types
import { homeVersion } from '../../../scripts/cluster.mjs';

function file(text: string): string {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'schema-')), 'app.yaml');
  fs.writeFileSync(f, text);
  return f;
}

async function audit(f: string) {
  const io = memoryIO();
  const code = await main(['audit', '-f', f], io);
  return { code, stdout: io.out(), stderr: io.err() };
}

describe('manifests the API server would refuse', () => {
  it('ships the schema of the newest supported release (npm run schema regenerates it)', () => {
    expect(SCHEMA_VERSION).toBe(homeVersion());
  });

  it('a StatefulSet with volumeMounts: "oops" and volumeClaimTemplates: 7: file, line, document, path and what was expected; exit 2', async () => {
    const f = file(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: x
        volumeMounts: "oops"
  volumeClaimTemplates: 7
`);
    const r = await audit(f);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `error: ${f} document 1 (line 12): StatefulSet web: .spec.template.spec.containers[0].volumeMounts: must be array (Kubernetes ${SCHEMA_VERSION} schema)`,
    );
    expect(r.stderr).toContain(`error: ${f} document 1 (line 13): StatefulSet web: .spec.volumeClaimTemplates: must be array`);
    expect(r.stderr).not.toContain('is not a function');
  });

  it('a StatefulSet with spec: {} is refused, not passed as healthy', async () => {
    const r = await audit(file('apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: empty, namespace: shop}\nspec: {}\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('StatefulSet empty: .spec.selector: is required');
    expect(r.stderr).toContain('StatefulSet empty: .spec.template: is required');
    expect(r.stdout).not.toContain('No storage problems found');
  });

  it('a PV with claimRef: "x", accessModes: ReadWriteOnce and storage: "lots": no finding built on garbage', async () => {
    const r = await audit(
      file(
        'apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-x}\nspec:\n  claimRef: "x"\n  accessModes: ReadWriteOnce\n  capacity: {storage: "lots"}\n',
      ),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PersistentVolume pv-x: .spec.claimRef: must be object');
    expect(r.stderr).toContain('PersistentVolume pv-x: .spec.accessModes: must be array');
    expect(r.stderr).toContain('PersistentVolume pv-x: .spec.capacity.storage: must be a quantity such as 1Gi, 500Mi or 10');
    expect(r.stderr).not.toContain('PV-004');
  });

  it('a YAML alias bomb names the file and exits 2', async () => {
    const f = file(
      'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
    );
    const r = await audit(f);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${f} document 1 (line 1): Excessive alias count`);
  });
});

// One valid object per kind, and fields of each that must be an object or an array.
const VALID: Record<string, { object: Record<string, unknown>; structured: string[][] }> = {
  StatefulSet: {
    object: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [{ name: 'db', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    },
    structured: [
      ['spec'],
      ['spec', 'selector'],
      ['spec', 'template'],
      ['spec', 'template', 'spec', 'containers'],
      ['spec', 'volumeClaimTemplates'],
      ['metadata'],
    ],
  },
  PersistentVolumeClaim: {
    object: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'shop' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
    structured: [['spec'], ['spec', 'accessModes'], ['spec', 'resources'], ['spec', 'resources', 'requests'], ['metadata']],
  },
  PersistentVolume: {
    object: {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv' },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/d' }, claimRef: { namespace: 'shop', name: 'data' } },
    },
    structured: [['spec'], ['spec', 'capacity'], ['spec', 'accessModes'], ['spec', 'claimRef'], ['spec', 'hostPath'], ['metadata']],
  },
  StorageClass: {
    object: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'x', parameters: { a: 'b' } },
    structured: [['parameters'], ['metadata'], ['allowedTopologies']],
  },
  Service: {
    object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } },
    structured: [['spec'], ['spec', 'ports'], ['metadata']],
  },
};

function setAt(object: Record<string, unknown>, at: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(object);
  let node = copy;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[at.at(-1)!] = value;
  return copy;
}

describe('every kind the tool reads, with a field of the wrong type', () => {
  it('the valid objects are accepted', async () => {
    for (const { object } of Object.values(VALID)) expect((await readManifestsOf([object])).errors.map((e) => e.message)).toEqual([]);
  });

  it('never crashes and never passes silently (fast-check)', async () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean());
    const kind = fc.constantFrom(...Object.keys(VALID));
    await fc.assert(
      fc.asyncProperty(
        kind.chain((k) => fc.tuple(fc.constant(k), fc.constantFrom(...VALID[k]!.structured), scalar)),
        async ([k, at, value]) => {
          const broken = setAt(VALID[k]!.object, at, value);
          const load = await readManifestsOf([broken]);
          // Refused with a message that names the field, and kept from the checks.
          expect(load.errors.length).toBeGreaterThan(0);
          expect(load.errors.map((e) => e.message).join('\n')).toContain(`.${at.join('.')}`);
          expect(load.objects).toEqual([]);
          runChecks(snapshotFromObjects(load.objects, { source: 'manifests' }));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});

function readManifestsOf(objects: unknown[]) {
  const f = file(objects.map((o) => stringify(o)).join('---\n'));
  return readManifests({ paths: [f], recursive: false, stdin: process.stdin, namespace: 'default' });
}
