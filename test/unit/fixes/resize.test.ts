// resize's planner: grow every claim of a template and the template itself,
// all or nothing. Each reason the API server would refuse a claim (no class,
// a class that does not expand, not Bound, mid-resize), each namespace limit
// (quota headroom, LimitRange max) and the owner's refusals stop the whole
// plan; claims already that large are nothing to do. recover-expansion's
// bounds (more than status.capacity, less than the request) are pinned too.
// test/integration/resize.test.ts runs both against the control plane.
import { describe, expect, it } from 'vitest';
import { planRecoverExpansion, recoverySizeProblem } from '../../../src/fixes/recover-expansion.js';
import { largestRequest, planResize, type ResizeInput } from '../../../src/fixes/resize.js';
import type { Claim, StatefulSet, StorageClass } from '../../../src/kube/types.js';

const sts = (templateSize = '1Gi'): StatefulSet => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'shop', uid: 's', generation: 2, resourceVersion: '40' },
  spec: {
    replicas: 2,
    serviceName: 'db',
    selector: { matchLabels: { app: 'db' } },
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
    volumeClaimTemplates: [
      { metadata: { name: 'data' }, spec: { storageClassName: 'fast', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: templateSize } } } },
      { metadata: { name: 'logs' }, spec: { storageClassName: 'fast', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    ],
  },
});
const claim = (
  name: string,
  request: string,
  over: { className?: string; phase?: string; capacity?: string; status?: Record<string, unknown>; namespace?: string } = {},
): Claim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: over.namespace ?? 'shop', uid: `u-${name}`, resourceVersion: '7' },
  spec: { storageClassName: over.className ?? 'fast', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: request } }, volumeName: `pv-${name}` },
  status: { phase: over.phase ?? 'Bound', capacity: { storage: over.capacity ?? request }, ...over.status },
});
const fast: StorageClass = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'fast' },
  provisioner: 'ebs.csi.aws.com',
  allowVolumeExpansion: true,
};
const input = (over: Partial<ResizeInput> = {}): ResizeInput => ({
  sts: sts(),
  template: 'data',
  size: '2Gi',
  claims: [claim('data-db-1', '1Gi'), claim('data-db-0', '1Gi'), claim('logs-db-0', '1Gi'), claim('data-db-0', '1Gi', { namespace: 'other' })],
  classes: [fast],
  quotas: [],
  limitRanges: [],
  ...over,
});
const reasons = (plan: ReturnType<typeof planResize>) =>
  plan.refusals.map((r) => `${r.target.kind}/${r.target.name}${r.noop ? ' (noop)' : ''}: ${r.reasons.join(' | ')}`);

describe('resize', () => {
  it("grows the template's claims in ordinal order and the template, each write under preconditions", () => {
    const plan = planResize(input(), 'resize db --to 2Gi');
    expect(plan.atomic).toBe(true);
    expect(plan.refusals).toEqual([]);
    expect(plan.warnings).toEqual([]);
    expect(plan.changes.map((c) => c.summary)).toEqual([
      'grow claim data-db-0 from 1Gi to 2Gi',
      'grow claim data-db-1 from 1Gi to 2Gi',
      're-create statefulset db with volumeClaimTemplate data at 2Gi (was 1Gi; orphaning delete + create)',
    ]);
    expect(plan.changes[0]).toMatchObject({
      steps: [
        {
          kind: 'patch',
          path: '/api/v1/namespaces/shop/persistentvolumeclaims/data-db-0',
          patch: [
            { op: 'test', path: '/metadata/uid', value: 'u-data-db-0' },
            { op: 'test', path: '/metadata/resourceVersion', value: '7' },
            { op: 'replace', path: '/spec/resources/requests/storage', value: '2Gi' },
          ],
        },
      ],
      permissions: [{ verb: 'patch', group: '', resource: 'persistentvolumeclaims', namespace: 'shop' }],
      owned: ['/spec/resources/requests/storage'],
      irreversible:
        'claims cannot shrink: Kubernetes lowers a request only to recover a failed expansion, and never to status.capacity or below: claim data-db-0 keeps its 2Gi request',
    });
    expect(plan.changes[0]!.after.spec?.resources?.requests?.storage).toBe('2Gi');
    const set = plan.changes[2]!.after as StatefulSet;
    expect(set.spec?.volumeClaimTemplates?.map((t) => t.spec?.resources?.requests?.storage)).toEqual(['2Gi', '1Gi']);
  });

  it('has nothing to do for claims and a template already that large', () => {
    const plan = planResize(input({ sts: sts('2Gi'), claims: [claim('data-db-0', '2Gi'), claim('data-db-1', '3Gi')] }), 'x');
    expect(plan.changes).toEqual([]);
    expect(reasons(plan)).toEqual([
      'PersistentVolumeClaim/data-db-0 (noop): it already asks for 2Gi',
      'PersistentVolumeClaim/data-db-1 (noop): it already asks for 3Gi',
      'StatefulSet/db (noop): volumeClaimTemplate data already asks for 2Gi',
    ]);
  });

  it('refuses a claim the API server would not grow, and then changes nothing at all', () => {
    const plan = planResize(
      input({
        claims: [
          claim('data-db-0', '1Gi', { className: '' }),
          claim('data-db-1', '1Gi', { className: 'gone' }),
          claim('data-db-2', '1Gi', { className: 'fixed' }),
          claim('data-db-3', '1Gi', { phase: 'Pending' }),
          claim('data-db-4', '1Gi'),
          claim('data-db-5', '2Gi', { capacity: '1Gi', status: { allocatedResourceStatuses: { storage: 'ControllerResizeInfeasible' } } }),
        ],
        classes: [fast, { ...fast, metadata: { name: 'fixed' }, allowVolumeExpansion: false }],
        size: '3Gi',
      }),
      'x',
    );
    expect(plan.changes).toEqual([]);
    expect(reasons(plan)).toEqual([
      expect.stringMatching(/^PersistentVolumeClaim\/data-db-0: it has no StorageClass \(a static PV\): /),
      expect.stringMatching(/^PersistentVolumeClaim\/data-db-1: its StorageClass gone does not exist: /),
      `PersistentVolumeClaim/data-db-2: StorageClass fixed does not allow expansion: set allowVolumeExpansion: true on it if its driver can expand volumes (kubectl patch storageclass fixed -p '{"allowVolumeExpansion":true}')`,
      'PersistentVolumeClaim/data-db-3: it is Pending: only bound persistent volume claims can be expanded',
      'PersistentVolumeClaim/data-db-5: it is mid-resize (asks for 2Gi, has 1Gi, ControllerResizeInfeasible): let it finish, or recover with recover-expansion',
    ]);
    expect(plan.warnings).toEqual([
      'nothing is changed while any part is refused (2 other change(s) planned): a set with half its claims grown is what this command avoids',
    ]);
  });

  it("refuses growth beyond a quota's headroom (total and per class) or a LimitRange's max, at the edge exactly", () => {
    const quota = (used: string, hard = '10Gi', key = 'requests.storage') => ({
      metadata: { name: 'q' },
      status: { hard: { [key]: hard }, used: { [key]: used } },
    });
    // Two claims grow by 1Gi each: 8Gi used + 2Gi = 10Gi fits; 8Gi + 1 byte does not.
    expect(reasons(planResize(input({ quotas: [quota('8Gi')] }), 'x'))).toEqual([]);
    expect(reasons(planResize(input({ quotas: [quota('8589934593')] }), 'x'))).toEqual([
      'StatefulSet/db: ResourceQuota q: requests.storage used 8589934593 + 2Gi more exceeds its hard limit 10Gi (the API server refuses with "exceeded quota")',
    ]);
    expect(reasons(planResize(input({ quotas: [quota('9Gi', '10Gi', 'fast.storageclass.storage.k8s.io/requests.storage')] }), 'x'))).toEqual([
      'StatefulSet/db: ResourceQuota q: fast.storageclass.storage.k8s.io/requests.storage used 9Gi + 2Gi more exceeds its hard limit 10Gi (the API server refuses with "exceeded quota")',
    ]);
    // A quota that has not counted yet: the server judges; said, not refused. Another class's quota: not ours.
    const fresh = planResize(
      input({
        quotas: [
          { metadata: { name: 'new' }, spec: { hard: { 'requests.storage': '1Gi' } } },
          quota('0', '1', 'slow.storageclass.storage.k8s.io/requests.storage'),
        ],
      }),
      'x',
    );
    expect(fresh.refusals).toEqual([]);
    expect(fresh.warnings).toEqual(['ResourceQuota new limits requests.storage to 1Gi but reports no usage yet: the API server will judge each claim']);
    const limit = (max: string, type = 'PersistentVolumeClaim') => ({ metadata: { name: 'lr' }, spec: { limits: [{ type, max: { storage: max } }] } });
    expect(reasons(planResize(input({ limitRanges: [limit('2Gi')] }), 'x'))).toEqual([]);
    expect(reasons(planResize(input({ limitRanges: [limit('1Gi', 'Container'), limit('1Gi')] }), 'x'))).toEqual([
      'StatefulSet/db: LimitRange lr allows claims of at most 1Gi, not 2Gi',
    ]);
  });

  it("takes the owner's refusals, warnings and next steps into the plan", () => {
    const plan = planResize(
      input({
        owner: {
          refusals: ['Argo CD would revert it'],
          warnings: ['w'],
          nextSteps: [{ text: 'change values.yaml' }] as never,
          owner: { type: 'argocd' } as never,
        },
      }),
      'x',
    );
    expect(plan.changes).toEqual([]);
    expect(reasons(plan)).toEqual(['StatefulSet/db: Argo CD would revert it']);
    expect(plan.warnings[0]).toBe('w');
    expect(plan.nextSteps).toEqual([{ text: 'change values.yaml' }]);
    expect(plan.owner).toEqual({ type: 'argocd' });
  });
});

describe('resize, at the edges', () => {
  it('says what each claim change and the set change leave behind', () => {
    const plan = planResize(input(), 'x');
    expect(plan.changes[0]).toMatchObject({
      warnings: [],
      notes: ["the volume-expand controller hands it to the CSI driver's resizer; the kubelet then grows the file system where a pod mounts it"],
    });
    expect(plan.changes[2]).toMatchObject({
      notes: ['pods and claims stay (same uids); new ordinals get claims of the new size'],
      owned: ['/spec/volumeClaimTemplates'],
    });
    expect(plan.changes[2]!.steps.find((s) => s.kind === 'create')!.description).toBe('create the StatefulSet with volumeClaimTemplate data asking for 2Gi');
  });

  it('grows the template it is told to, not the first one', () => {
    const plan = planResize(input({ template: 'logs', claims: [claim('logs-db-0', '1Gi')] }), 'x');
    const set = plan.changes.at(-1)!.after as StatefulSet;
    expect(set.spec?.volumeClaimTemplates?.map((t) => `${t.metadata?.name} ${t.spec?.resources?.requests?.storage}`)).toEqual(['data 1Gi', 'logs 2Gi']);
  });

  it('grows a template that asked for no size', () => {
    const bare = sts();
    delete bare.spec!.volumeClaimTemplates![0]!.spec!.resources;
    const plan = planResize(input({ sts: bare, claims: [] }), 'x');
    expect(plan.refusals).toEqual([]);
    expect(plan.changes.map((c) => c.summary)).toEqual([expect.stringMatching(/^re-create statefulset db with volumeClaimTemplate data at 2Gi \(was /)]);
  });

  it('a set the re-create refuses (being deleted) refuses the whole resize', () => {
    const deleting = sts();
    deleting.metadata!.deletionTimestamp = '2026-12-07T00:00:00Z';
    const plan = planResize(input({ sts: deleting }), 'x');
    expect(plan.changes).toEqual([]);
    expect(reasons(plan)).toEqual(['StatefulSet/db: it is being deleted']);
  });

  it('a claim without a status is "not Bound"; a resize not yet infeasible, or with conditions, is said as it is', () => {
    const noStatus = { ...claim('data-db-0', '1Gi'), status: undefined };
    const resizing = claim('data-db-1', '2Gi', { capacity: '1Gi', status: { conditions: [{ type: 'Resizing', status: 'True' }] } });
    const plan = planResize(input({ claims: [noStatus, resizing], size: '3Gi' }), 'x');
    expect(reasons(plan)).toEqual([
      'PersistentVolumeClaim/data-db-0: it is not Bound: only bound persistent volume claims can be expanded',
      'PersistentVolumeClaim/data-db-1: it is mid-resize (asks for 2Gi, has 1Gi, Resizing): let it finish',
    ]);
  });

  it('a LimitRange item of another type, or without a max, limits nothing', () => {
    const ranges = [
      { metadata: { name: 'for-containers' }, spec: { limits: [{ type: 'Container', max: { storage: '1Gi' } }] } },
      { metadata: { name: 'min-only' }, spec: { limits: [{ type: 'PersistentVolumeClaim', min: { storage: '1Mi' } }] } },
      { metadata: { name: 'empty' } },
    ];
    expect(reasons(planResize(input({ limitRanges: ranges }), 'x'))).toEqual([]);
    const tight = [...ranges, { metadata: { name: 'for-claims' }, spec: { limits: [{ type: 'PersistentVolumeClaim', max: { storage: '1Gi' } }] } }];
    expect(reasons(planResize(input({ limitRanges: tight }), 'x'))).toEqual(['StatefulSet/db: LimitRange for-claims allows claims of at most 1Gi, not 2Gi']);
  });

  it('largestRequest: the largest claim of the template in the namespace, a claim without a request counting as 0', () => {
    const claims = [
      claim('data-db-0', '1Gi'),
      claim('data-db-1', '3Gi'),
      claim('data-db-2', '2Gi'),
      claim('logs-db-0', '9Gi'),
      claim('data-db-3', '9Gi', { namespace: 'other' }),
      { ...claim('data-db-4', '1Gi'), spec: {} },
    ];
    expect(largestRequest(sts(), 'data', claims)).toEqual({ size: 3 * 2 ** 30, claim: 'data-db-1' });
    // the first of equal sizes stays the largest
    expect(largestRequest(sts(), 'data', [claim('data-db-0', '1Gi'), claim('data-db-1', '1Gi')])).toEqual({ size: 2 ** 30, claim: 'data-db-0' });
    expect(largestRequest(sts(), 'data', [{ ...claim('data-db-0', '1Gi'), spec: {} }])).toEqual({ size: 0, claim: 'data-db-0' });
    expect(largestRequest(sts(), 'data', [])).toBeUndefined();
  });
});

describe('recover-expansion', () => {
  const failed = claim('data-db-0', '10Gi', { capacity: '1Gi', status: { allocatedResourceStatuses: { storage: 'NodeResizeInfeasible' } } });

  it('takes a size more than status.capacity and less than the request, and nothing else', () => {
    expect(recoverySizeProblem(failed, 2 * 2 ** 30)).toBeUndefined();
    expect(recoverySizeProblem(failed, 2 ** 30 + 1)).toBeUndefined();
    expect(recoverySizeProblem(failed, 10 * 2 ** 30 - 1)).toBeUndefined();
    for (const size of [2 ** 30, 10 * 2 ** 30, 11 * 2 ** 30])
      expect(recoverySizeProblem(failed, size)).toBe('--to must be more than status.capacity 1Gi and less than the request 10Gi of claim data-db-0');
    expect(recoverySizeProblem({ ...failed, status: {} }, 1)).toBeUndefined();
    // no capacity or no request to stay between: nothing to judge, whatever the size
    expect(recoverySizeProblem({ ...failed, status: {} }, 20 * 2 ** 30)).toBeUndefined();
    expect(recoverySizeProblem({ ...failed, spec: {} }, 2 ** 40)).toBeUndefined();
    expect(recoverySizeProblem({ ...failed, spec: {} }, 1)).toBeUndefined();
  });

  it('lowers the request of an infeasible expansion, warns when the resizer has not given up, refuses with nothing to recover', () => {
    const plan = planRecoverExpansion(failed, '2Gi');
    expect(plan).toMatchObject({
      summary: 'lower the request of claim data-db-0 from 10Gi to 2Gi (it has 1Gi)',
      warnings: [],
      notes: ['the resizer then works toward 2Gi; allocatedResources keeps what it was asked for until it does'],
      steps: [{ patch: [{ op: 'test' }, { op: 'test' }, { op: 'replace', path: '/spec/resources/requests/storage', value: '2Gi' }] }],
    });
    expect(planRecoverExpansion(claim('data-db-0', '10Gi', { capacity: '1Gi' }), '2Gi')).toMatchObject({
      warnings: [
        'the resizer has not marked the expansion infeasible (no allocatedResourceStatuses): lowering the request may change an expansion still in progress',
      ],
    });
    expect(planRecoverExpansion(claim('data-db-0', '1Gi'), '2Gi')).toEqual({
      target: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-db-0' },
      reasons: ['it asks for 1Gi and has 1Gi: no expansion to recover'],
      noop: true,
    });
    expect(planRecoverExpansion({ ...failed, spec: {} }, '2Gi')).toMatchObject({ reasons: [expect.stringMatching(/: no expansion to recover$/)], noop: true });
    expect(planRecoverExpansion({ ...failed, status: { phase: 'Pending' } }, '2Gi')).toEqual({
      target: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-db-0' },
      reasons: ['it has no status.capacity (not Bound): there is no expansion to recover'],
    });
  });
});
