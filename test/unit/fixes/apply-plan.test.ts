// The repair engine alone, against a client that records every request and
// answers as the test says. What the API server itself does with these
// requests is proven on the real control plane (test/integration); here it is
// the engine's own order: RBAC before the first write, confirmation before
// the backup, one request per object with its preconditions, a replacement
// validated before its delete, an outcome per object.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../../src/fixes/apply-plan.js';
import { planClaimRefFix } from '../../../src/fixes/fix-claimref.js';
import type { Plan, PlannedChange } from '../../../src/fixes/plan.js';
import { KubeClient } from '../../../src/kube/client.js';
import { type Call, recordingClient, testClock } from './recording-client.js';
import { ApiError, ConnectionError } from '../../../src/kube/errors.js';
import type { KubeObject, StatefulSet, Volume } from '../../../src/kube/types.js';
import { planRecreate } from '../../../src/fixes/recreate.js';

const released = (name: string): Volume => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name, uid: `uid-${name}`, resourceVersion: '7' },
  spec: {
    capacity: { storage: '1Gi' },
    accessModes: ['ReadWriteOnce'],
    claimRef: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data', uid: 'old-uid' },
  },
  status: { phase: 'Released' },
});

function claimRefPlan(...names: string[]): Plan {
  const changes = names.map((n) => planClaimRefFix(released(n), undefined, { full: true, force: false }) as PlannedChange);
  return { command: 'fix-claimref --full', changes, refusals: [] };
}

const backupRoot = () => fs.mkdtempSync(path.join(os.tmpdir(), 'apply-plan-'));
const yes = async () => true;

describe('applyPlan', () => {
  it('checks every permission before anything else and writes nothing when one is missing', async () => {
    const calls: Call[] = [];
    const client = {
      server: 'https://recorded.invalid',
      async request(method: string, p: string, opts: { body?: unknown } = {}) {
        calls.push({ method, path: p, body: opts.body });
        return { status: { allowed: false } };
      },
      mayI: KubeClient.prototype.mayI,
    } as unknown as KubeClient;
    let asked = false;
    const result = await applyPlan(client, claimRefPlan('pv-a'), { dryRun: 'none', backupRoot: backupRoot(), confirm: async () => (asked = true) });
    expect(result).toEqual({ status: 'forbidden', outcomes: [], missing: ['patch persistentvolumes'] });
    expect(asked).toBe(false);
    expect(calls.map((c) => c.method + ' ' + c.path)).toEqual(['POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews']);
  });

  it('a declined confirmation leaves no request and no backup', async () => {
    const { client, writes } = recordingClient();
    const root = backupRoot();
    const result = await applyPlan(client, claimRefPlan('pv-a'), { dryRun: 'none', backupRoot: root, confirm: async () => false });
    expect(result).toEqual({ status: 'declined', outcomes: [] });
    expect(writes()).toEqual([]);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('sends one JSON patch per object, preconditions first, after backing the object up', async () => {
    const plan = claimRefPlan('pv-a', 'pv-b');
    const { client, writes } = recordingClient((call) => ({ metadata: { name: call.path.split('/').at(-1), resourceVersion: '8' } }));
    const root = backupRoot();
    const events: string[] = [];
    const result = await applyPlan(client, plan, { dryRun: 'none', backupRoot: root, confirm: yes, report: (e) => events.push(e.kind) });
    expect(result.status).toBe('done');
    expect(result.outcomes.map((o) => [o.change.target.name, o.status])).toEqual([
      ['pv-a', 'applied'],
      ['pv-b', 'applied'],
    ]);
    expect(writes().map((c) => `${c.method} ${c.path}`)).toEqual(['PATCH /api/v1/persistentvolumes/pv-a', 'PATCH /api/v1/persistentvolumes/pv-b']);
    const patch = writes()[0]!.body as Array<{ op: string; path: string }>;
    expect(patch.slice(0, 2)).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'uid-pv-a' },
      { op: 'test', path: '/metadata/resourceVersion', value: '7' },
    ]);
    expect(patch).toContainEqual({ op: 'remove', path: '/spec/claimRef' });
    expect(events).toEqual(['backup', 'outcome', 'outcome']);
    expect(fs.readFileSync(path.join(result.backup!.dir, 'PersistentVolume_pv-a.yaml'), 'utf8')).toContain('uid: old-uid');
  });

  it('a server dry run sends dryRun=All and keeps no backup', async () => {
    const { client, writes } = recordingClient();
    const root = backupRoot();
    const result = await applyPlan(client, claimRefPlan('pv-a'), { dryRun: 'server', backupRoot: root, confirm: yes });
    expect(result).toMatchObject({ status: 'dry-run', rejected: false });
    expect(writes().map((c) => c.query)).toEqual([{ dryRun: 'All' }]);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('a precondition that fails is reported as a change since the plan, and the batch goes on', async () => {
    const { client } = recordingClient((call) => {
      if (call.path.endsWith('/pv-a'))
        throw new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', call.method, call.path);
      return { metadata: { resourceVersion: '8' } };
    });
    const result = await applyPlan(client, claimRefPlan('pv-a', 'pv-b'), { dryRun: 'none', backupRoot: backupRoot(), confirm: yes });
    expect(result.outcomes.map((o) => o.status)).toEqual(['failed', 'applied']);
    expect(result.outcomes[0]!.message).toContain('it changed since it was read (planned against resourceVersion 7); nothing was overwritten');
  });

  it('a connection that never opened says the object is untouched', async () => {
    const { client } = recordingClient(() => {
      throw new ConnectionError('https://recorded.invalid', 'connect ECONNREFUSED', false);
    });
    const result = await applyPlan(client, claimRefPlan('pv-a'), { dryRun: 'none', backupRoot: backupRoot(), confirm: yes });
    expect(result.outcomes.map((o) => o.status)).toEqual(['failed']);
    expect(result.outcomes[0]!.message).toContain('nothing was sent, the object is untouched');
  });

  it('validates a replacement before deleting: a create the server refuses means no DELETE is sent', async () => {
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'shop', uid: 'u1', resourceVersion: '3', generation: 1 } };
    const change: PlannedChange = {
      target: { kind: 'StatefulSet', namespace: 'shop', name: 'db', uid: 'u1', resourceVersion: '3' },
      summary: 'recreate',
      before: sts,
      after: sts,
      steps: [
        { kind: 'delete-orphan', path: '/apis/apps/v1/namespaces/shop/statefulsets/db', uid: 'u1', generation: 1, description: '' },
        { kind: 'create', path: '/apis/apps/v1/namespaces/shop/statefulsets', body: sts, description: '' },
      ],
      permissions: [],
      warnings: [],
      notes: [],
      owned: [],
      replaces: true,
    };
    const { client, calls } = recordingClient((call) => {
      if (call.method === 'POST')
        throw new ApiError(
          422,
          'Invalid',
          'StatefulSet.apps "db-x" is invalid: spec.template.spec.containers[0].volumeMounts[0].name: Not found: "data"',
          call.method,
          call.path,
        );
      return sts;
    });
    const result = await applyPlan(client, { command: 'undo', changes: [change], refusals: [] }, { dryRun: 'none', backupRoot: backupRoot(), confirm: yes });
    expect(result.outcomes[0]!.status).toBe('failed');
    expect(result.outcomes[0]!.message).toMatch(
      /^the API server would refuse the object to be created, so nothing was deleted: 422 Invalid: .*Not found: "data"/,
    );
    expect(calls.filter((c) => c.method === 'DELETE')).toEqual([]);
    expect(calls.find((c) => c.method === 'POST')!.query).toEqual({ dryRun: 'All' });
  });

  it('an atomic plan has the server dry-run every change before the first write, and writes nothing when one is rejected', async () => {
    const { client, writes } = recordingClient((call) => {
      if (call.query?.['dryRun'] === 'All' && call.path.endsWith('/pv-b')) throw new ApiError(422, 'Invalid', 'PersistentVolume "pv-b" is invalid');
      return { metadata: { resourceVersion: '8' } };
    });
    let asked = false;
    const plan = { ...claimRefPlan('pv-a', 'pv-b'), atomic: true };
    const result = await applyPlan(client, plan, { dryRun: 'none', backupRoot: backupRoot(), confirm: async () => (asked = true) });
    expect(result.status).toBe('rejected');
    expect(result.outcomes.map((o) => o.status)).toEqual(['dry-run', 'failed']);
    expect(asked).toBe(false);
    expect(writes().every((c) => c.query?.['dryRun'] === 'All')).toBe(true);
  });

  it('an atomic plan leaves the rest untouched after the first change that fails', async () => {
    const { client, writes } = recordingClient((call) => {
      if (!call.query?.['dryRun'] && call.path.endsWith('/pv-a')) throw new ApiError(409, 'Conflict', 'the object has been modified');
      return { metadata: { resourceVersion: '8' } };
    });
    const plan = { ...claimRefPlan('pv-a', 'pv-b', 'pv-c'), atomic: true };
    const result = await applyPlan(client, plan, { dryRun: 'none', backupRoot: backupRoot(), confirm: yes });
    expect(result.status).toBe('done');
    expect(result.outcomes.map((o) => `${o.change.target.name} ${o.status}`)).toEqual(['pv-a failed', 'pv-b untouched', 'pv-c untouched']);
    expect(result.outcomes[1]!.message).toBe('an earlier change did not apply, and this repair is all or nothing');
    expect(
      writes()
        .filter((c) => !c.query?.['dryRun'])
        .map((c) => c.path),
    ).toEqual(['/api/v1/persistentvolumes/pv-a']);
  });

  describe('a re-create (planRecreate), with the waits on a test clock', () => {
    const setPath = '/apis/apps/v1/namespaces/shop/statefulsets/db';
    const old = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop', uid: 'u1', resourceVersion: '3', generation: 1, managedFields: [{ manager: 'helm', operation: 'Apply' }] },
      spec: { replicas: 0, selector: { matchLabels: { app: 'db' } }, serviceName: 'db', template: {}, volumeClaimTemplates: [] },
    } as StatefulSet;

    /** The set's name as the server holds it: the old object until its DELETE, then whatever `after` says. */
    function server(after: (deletes: number) => KubeObject | undefined) {
      let deletes = 0;
      let created: KubeObject | undefined;
      return recordingClient((call) => {
        if (call.method === 'DELETE') return void deletes++;
        if (call.method === 'POST') {
          if (call.query?.['dryRun']) return {};
          const taken = after(deletes);
          if (taken) throw new ApiError(409, 'AlreadyExists', 'statefulsets.apps "db" already exists');
          created = { ...(call.body as KubeObject), metadata: { ...(call.body as KubeObject).metadata, uid: 'u2', generation: 1, resourceVersion: '9' } };
          return created;
        }
        if (call.method === 'PATCH') return created;
        if (call.method === 'GET' && call.path === setPath) {
          if (deletes === 0) return old;
          const now = created ? { ...created, status: { observedGeneration: 1 } } : after(deletes);
          if (!now) throw new ApiError(404, 'NotFound', 'not found');
          return now;
        }
        return {};
      });
    }

    it('at replicas 0 is done once the controller has observed the new set (no pods to adopt)', async () => {
      const { client, writes } = server(() => undefined);
      const change = planRecreate(old, () => {}, { summary: 's', createDescription: 'c', rollPods: [], notes: [], owned: [] }) as PlannedChange;
      const result = await applyPlan(
        client,
        { command: 'resize', changes: [change], refusals: [] },
        { dryRun: 'none', backupRoot: backupRoot(), confirm: yes, clock: testClock() },
      );
      expect(result.outcomes.map((o) => [o.status, o.message])).toEqual([['applied', undefined]]);
      const patch = writes().find((c) => c.method === 'PATCH')!;
      expect(patch.body).toEqual([
        { op: 'test', path: '/metadata/uid', value: 'u2' },
        { op: 'replace', path: '/metadata/managedFields', value: [{ manager: 'helm', operation: 'Apply' }] },
      ]);
    });

    it('at replicas 1 waits until the controller has created the first pod and it carries the new uid', async () => {
      const wantsOne = { ...old, spec: { ...old.spec, replicas: 1 } } as StatefulSet;
      const { client } = server(() => undefined);
      let lists = 0;
      // The controller records its sync before the pod it created shows up: two empty lists, then the adopted pod.
      (client as unknown as { list: () => Promise<unknown[]> }).list = async () =>
        ++lists <= 2 ? [] : [{ metadata: { name: 'db-0', ownerReferences: [{ controller: true, uid: 'u2' }] } }];
      const change = planRecreate(wantsOne, () => {}, { summary: 's', createDescription: 'c', rollPods: [], notes: [], owned: [] }) as PlannedChange;
      const result = await applyPlan(
        client,
        { command: 'resize', changes: [change], refusals: [] },
        { dryRun: 'none', backupRoot: backupRoot(), confirm: yes, clock: testClock() },
      );
      expect(result.outcomes.map((o) => o.status)).toEqual(['applied']);
      expect(lists).toBe(3);
    });

    it('reports a name taken by another writer after the delete as such, not as a time-out, and creates nothing', async () => {
      const operators = {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: {
          name: 'db',
          uid: 'u-operator',
          managedFields: [{ manager: 'PrometheusOperator', operation: 'Update' }],
          ownerReferences: [{ kind: 'Prometheus', name: 'p', uid: 'cr', controller: true }],
        },
      } as KubeObject;
      const { client, writes } = server(() => operators);
      const change = planRecreate(old, () => {}, { summary: 's', createDescription: 'c', rollPods: [], notes: [], owned: [] }) as PlannedChange;
      const result = await applyPlan(
        client,
        { command: 'resize', changes: [change], refusals: [] },
        { dryRun: 'none', backupRoot: backupRoot(), confirm: yes, clock: testClock() },
      );
      expect(result.outcomes[0]!.status).toBe('failed');
      expect(result.outcomes[0]!.message).toMatch(
        /^another writer created db again \(uid u-operator; written by PrometheusOperator, controlled by Prometheus p\) before this repair could/,
      );
      expect(result.outcomes[0]!.message).not.toMatch(/timed out/);
      expect(writes().filter((c) => c.method === 'POST' && !c.query?.['dryRun'])).toEqual([]);
    });

    it('gives up on a garbage collector that never finishes, after its 120 s on the test clock', async () => {
      const { client } = server(() => old);
      const change = planRecreate(old, () => {}, { summary: 's', createDescription: 'c', rollPods: [], notes: [], owned: [] }) as PlannedChange;
      const result = await applyPlan(
        client,
        { command: 'resize', changes: [change], refusals: [] },
        { dryRun: 'none', backupRoot: backupRoot(), confirm: yes, clock: testClock() },
      );
      expect(result.outcomes[0]!.message).toBe(
        'timed out after 120s waiting for the garbage collector to finish the orphaning delete (the delete was accepted: the object may still go, and then only the create remains to run)',
      );
    });
  });
});
