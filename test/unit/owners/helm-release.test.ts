// The release Secret as Helm stores it (pkg/storage/driver: base64(gzip(JSON)),
// base64 again through the API), decoded and cut down to what the owner
// checks need. The release JSON here is shaped as helm's pkg/release writes it.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeReleaseData, distillRelease } from '../../../src/snapshot/owners/helm-release.js';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

const TEMPLATE = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  template:
    spec:
      containers:
        - name: db
          resources:
            requests:
              ephemeral-storage: {{ .Values.scratch }}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        resources:
          requests:
            storage: {{ .Values.primary.persistence.size | quote }}
    - metadata:
        name: wal
      spec:
        resources:
          requests:
            storage: {{ .Values.wal.size | default "1Gi" }}
`;

const MANIFEST = `---
# Source: db/templates/secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: db-auth
stringData:
  password: "hunter2-do-not-keep"
---
# Source: db/templates/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        resources:
          requests:
            storage: "8Gi"
    - metadata:
        name: wal
      spec:
        resources:
          requests:
            storage: 1Gi
---
# Source: db/charts/cache/templates/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cache
  namespace: other
spec:
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        resources:
          requests:
            storage: 2Gi
`;

function release(extra: Record<string, unknown> = {}) {
  return {
    name: 'r',
    namespace: 'shop',
    version: 3,
    info: { status: 'deployed' },
    chart: {
      metadata: { name: 'db', version: '1.2.3' },
      templates: [{ name: 'templates/statefulset.yaml', data: b64(TEMPLATE) }],
      values: { primary: { persistence: { size: '4Gi' } }, wal: { size: '1Gi' }, cache: { persistence: { size: '2Gi' } }, password: 'hunter2-do-not-keep' },
    },
    config: { primary: { persistence: { size: '8Gi' } } },
    manifest: MANIFEST,
    ...extra,
  };
}

describe('a Helm release Secret', () => {
  it('decodes gzip and plain releases as the API returns them', () => {
    const json = JSON.stringify(release());
    expect(decodeReleaseData(b64(b64(gzipSync(json)))).name).toBe('r');
    expect(decodeReleaseData(b64(b64(json))).version).toBe(3);
  });

  it('keeps only the rendered StatefulSets and their size keys: no value, no other object', () => {
    const record = distillRelease(release({ apply_method: 'ssa' }), 'shop');
    expect(JSON.stringify(record)).not.toContain('hunter2');
    expect(record).toMatchObject({
      release: 'r',
      namespace: 'shop',
      storedIn: 'shop',
      revision: 3,
      status: 'deployed',
      chart: { name: 'db', version: '1.2.3' },
      applyMethod: 'ssa',
    });
    expect(record.statefulSets.map((s) => `${s.namespace}/${s.name} ${s.source}`)).toEqual([
      'shop/db db/templates/statefulset.yaml',
      'other/cache db/charts/cache/templates/statefulset.yaml',
    ]);
  });

  it('names the key the chart template reads when the merged values hold the rendered size (user values over chart values)', () => {
    const [db] = distillRelease(release(), 'shop').statefulSets;
    expect(db!.sizeKeys).toEqual({ data: { key: 'primary.persistence.size', certain: true }, wal: { key: 'wal.size', certain: true } });
  });

  it("lists candidates, never a certain key, for a subchart's template (not stored in the release)", () => {
    const cache = distillRelease(release(), 'shop').statefulSets[1]!;
    expect(cache.sizeKeys).toEqual({ data: { candidates: ['cache.persistence.size'], certain: false } });
  });

  it('is not certain when the key the template reads does not hold the rendered size', () => {
    const r = release({ config: {} }); // values say 4Gi, the manifest says 8Gi (rendered by an older revision's values)
    expect(distillRelease(r, 'shop').statefulSets[0]!.sizeKeys['data']).toEqual({ candidates: [], certain: false });
  });
});
