// The repair engine step by step: each kind of step a plan can hold, with the
// requests it sends, the preconditions they carry, the waits on a test clock,
// and the words a failure is reported in. The answers are scripted (see
// recording-client.ts); what the API server does with these requests is
// proven on the control plane.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { type ApplyEvent, type ApplyOptions, applyPlan, changeLabel, realClock } from '../../../src/fixes/apply-plan.js';
import type { Plan, PlannedChange, Step } from '../../../src/fixes/plan.js';
import { ApiError, ConnectionError } from '../../../src/kube/errors.js';
import type { KubeObject } from '../../../src/kube/types.js';
import { type Call, recordingClient, testClock } from './recording-client.js';

const pvPath = '/api/v1/persistentvolumes/pv-a';
const setPath = '/apis/apps/v1/namespaces/shop/statefulsets/db';
const pv = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-a', uid: 'u1', resourceVersion: '7', generation: 1 } };

function change(steps: Step[], over: Partial<PlannedChange> = {}): PlannedChange {
  return {
    target: { kind: 'PersistentVolume', name: 'pv-a', uid: 'u1', resourceVersion: '7' },
    summary: 'a change',
    before: pv,
    after: pv,
    steps,
    permissions: [],
    warnings: [],
    notes: [],
    owned: ['/spec/claimRef'],
    ...over,
  };
}

const testedPatch: Step = {
  kind: 'patch',
  path: pvPath,
  patch: [
    { op: 'test', path: '/metadata/resourceVersion', value: '7' },
    { op: 'remove', path: '/spec/claimRef' },
  ],
  description: 'clear the claimRef',
};
const plainPatch: Step = { kind: 'patch', path: pvPath, patch: [{ op: 'replace', path: '/spec/x', value: 1 }], description: 'set x' };

const plan = (...changes: PlannedChange[]): Plan => ({ command: 'fix-claimref --full', changes, refusals: [] });
const backupRoot = () => fs.mkdtempSync(path.join(os.tmpdir(), 'apply-steps-'));
const yes = async () => true;
const opts = (over: Partial<ApplyOptions> = {}): ApplyOptions => ({ dryRun: 'none', backupRoot: backupRoot(), confirm: yes, clock: testClock(), ...over });
const stored = (rv: string, extra: Record<string, unknown> = {}) => ({ metadata: { name: 'pv-a', uid: 'u1', resourceVersion: rv, ...extra } });

/** The outcome of one change through the whole engine: its status and message. */
async function outcomeOf(answer: (call: Call) => unknown, c: PlannedChange, o: Partial<ApplyOptions> = {}, list?: (p: string) => unknown[]) {
  const rec = recordingClient(answer, list);
  const result = await applyPlan(rec.client, plan(c), opts(o));
  return { ...rec, result, outcome: result.outcomes[0]! };
}

describe('applyPlan: the batch', () => {
  it('has nothing to do for an empty plan and sends no request', async () => {
    const { client, calls } = recordingClient();
    let asked = false;
    const result = await applyPlan(client, plan(), opts({ confirm: async () => (asked = true) }));
    expect(result).toEqual({ status: 'nothing-to-do', outcomes: [] });
    expect(calls).toEqual([]);
    expect(asked).toBe(false);
  });

  it('a client dry run checks permissions, then stops before asking or writing', async () => {
    const { client, writes, calls } = recordingClient();
    let asked = false;
    const c = change([testedPatch], { permissions: [{ verb: 'patch', group: '', resource: 'persistentvolumes' }] });
    const result = await applyPlan(client, plan(c), opts({ dryRun: 'client', confirm: async () => (asked = true) }));
    expect(result).toEqual({ status: 'dry-run', outcomes: [] });
    expect(asked).toBe(false);
    expect(writes()).toEqual([]);
    expect(calls.map((x) => x.path)).toEqual(['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']);
  });

  it('asks for each permission once, however many changes need it', async () => {
    const { client, calls } = recordingClient(() => stored('8'));
    const p = { verb: 'patch', group: '', resource: 'persistentvolumes' };
    await applyPlan(client, plan(change([testedPatch], { permissions: [p] }), change([testedPatch], { permissions: [p] })), opts());
    expect(calls.filter((x) => x.path.endsWith('/selfsubjectaccessreviews'))).toHaveLength(1);
  });

  it('a server dry run reports each change as the server judged it, and says whether any was rejected', async () => {
    const events: ApplyEvent[] = [];
    const { client, writes } = recordingClient((call) => {
      if (call.path.endsWith('/pv-b')) throw new ApiError(422, 'Invalid', 'spec.capacity: Required value', call.method, call.path);
      return stored('8');
    });
    const b = change([{ ...plainPatch, path: '/api/v1/persistentvolumes/pv-b' }], {
      target: { kind: 'PersistentVolume', name: 'pv-b', uid: 'u2', resourceVersion: '3' },
    });
    let asked = false;
    const result = await applyPlan(
      client,
      plan(change([plainPatch]), b),
      opts({ dryRun: 'server', report: (e) => events.push(e), confirm: async () => (asked = true) }),
    );
    expect(result.status).toBe('dry-run');
    expect(result.rejected).toBe(true);
    expect(result.backup).toBeUndefined();
    expect(asked).toBe(false);
    expect(result.outcomes.map((o) => [o.status, o.message])).toEqual([
      ['dry-run', undefined],
      ['failed', '422 Invalid: spec.capacity: Required value'],
    ]);
    expect(events.map((e) => e.kind === 'server-dry-run' && [e.accepted, e.message])).toEqual([
      [true, undefined],
      [false, '422 Invalid: spec.capacity: Required value'],
    ]);
    expect(writes().every((c) => c.query?.['dryRun'] === 'All')).toBe(true);

    const clean = await applyPlan(recordingClient(() => stored('8')).client, plan(change([plainPatch])), opts({ dryRun: 'server' }));
    expect(clean.rejected).toBe(false);
  });

  it('a server dry run of a request cut off mid-way calls it failed, not unknown: nothing was meant to be stored', async () => {
    const { outcome } = await outcomeOf(
      () => {
        throw new ConnectionError('https://recorded.invalid', 'socket hang up', true);
      },
      change([plainPatch]),
      { dryRun: 'server' },
    );
    expect(outcome.status).toBe('failed');
  });

  it('an atomic plan the server accepts whole is written after its dry run, change by change', async () => {
    const { client, writes } = recordingClient(() => stored('8'));
    const p = { ...plan(change([plainPatch]), change([plainPatch])), atomic: true };
    const result = await applyPlan(client, p, opts());
    expect(result.status).toBe('done');
    expect(result.outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);
    expect(writes().map((c) => c.query?.['dryRun'] ?? 'write')).toEqual(['All', 'All', 'write', 'write']);
  });

  it('tells what happens as it happens: the backup first, then each outcome, each awaited after it is recorded', async () => {
    const events: string[] = [];
    const root = backupRoot();
    const { client } = recordingClient(() => stored('8'));
    const result = await applyPlan(
      client,
      plan(change([plainPatch]), change([plainPatch])),
      opts({
        backupRoot: root,
        report: (e) => events.push(e.kind === 'outcome' ? `outcome ${e.outcome.status}` : e.kind),
        afterChange: (o) => {
          events.push(`after ${o.status}`);
          // the record is on disk before the next change starts
          const record = parse(fs.readFileSync(path.join(backupDirIn(root), 'backup.yaml'), 'utf8'));
          events.push(`saved ${record.objects.filter((x: { status: string }) => x.status === 'applied').length}`);
        },
      }),
    );
    expect(events).toEqual(['backup', 'outcome applied', 'after applied', 'saved 1', 'outcome applied', 'after applied', 'saved 2']);
    expect(result.outcomes[0]).not.toHaveProperty('result');
  });

  it('records in the backup what the server stored after a write, and the error of one that failed', async () => {
    const root = backupRoot();
    const { client } = recordingClient((call) => {
      if (call.path.endsWith('/pv-b')) throw new ApiError(500, 'InternalError', 'etcdserver: request timed out', call.method, call.path);
      return stored('42', { annotations: { 'set-by': 'server' } });
    });
    const b = change([{ ...plainPatch, path: '/api/v1/persistentvolumes/pv-b' }], {
      target: { kind: 'PersistentVolume', name: 'pv-b', uid: 'u2', resourceVersion: '3' },
      before: { ...pv, metadata: { ...pv.metadata, name: 'pv-b' } },
    });
    const result = await applyPlan(client, plan(change([plainPatch]), b), opts({ backupRoot: root }));
    const [a, failed] = result.backup!.record.objects;
    expect(a).toMatchObject({ status: 'applied', resourceVersionAfter: '42' });
    expect(a).not.toHaveProperty('error');
    expect(result.backup!.after(a!)).toEqual(stored('42', { annotations: { 'set-by': 'server' } }));
    expect(failed).toMatchObject({ status: 'failed', error: '500 InternalError: etcdserver: request timed out' });
    expect(failed).not.toHaveProperty('resourceVersionAfter');
    // the planned "after" stays for a change that did not apply
    expect(result.backup!.after(failed!)).toMatchObject({ metadata: { name: 'pv-a' } });
    const onDisk = parse(fs.readFileSync(path.join(result.backup!.dir, 'backup.yaml'), 'utf8'));
    expect(onDisk.objects.map((o: { status: string }) => o.status)).toEqual(['applied', 'failed']);
  });

  it('a signal aborted before the first write leaves every object untouched', async () => {
    const events: string[] = [];
    const { client, writes } = recordingClient(() => stored('8'));
    const controller = new AbortController();
    controller.abort();
    const result = await applyPlan(
      client,
      plan(change([plainPatch]), change([plainPatch])),
      opts({ signal: controller.signal, report: (e) => events.push(e.kind) }),
    );
    expect(result.status).toBe('interrupted');
    expect(result.outcomes.map((o) => [o.status, o.message])).toEqual([
      ['untouched', 'interrupted before this object'],
      ['untouched', 'interrupted before this object'],
    ]);
    expect(writes()).toEqual([]);
    expect(events).toEqual(['backup', 'interrupted']);
  });

  it('a signal aborted during a change finishes that change and touches no other', async () => {
    const controller = new AbortController();
    const { client, writes } = recordingClient(() => stored('8'));
    const result = await applyPlan(
      client,
      plan(change([plainPatch]), change([plainPatch]), change([plainPatch])),
      opts({ signal: controller.signal, afterChange: () => controller.abort() }),
    );
    expect(result.status).toBe('interrupted');
    expect(result.outcomes.map((o) => o.status)).toEqual(['applied', 'untouched', 'untouched']);
    expect(writes()).toHaveLength(1);
  });

  it('a run that ends is done, and a signal aborted after it changes nothing', async () => {
    const controller = new AbortController();
    const events: string[] = [];
    const result = await applyPlan(
      recordingClient(() => stored('8')).client,
      plan(change([plainPatch])),
      opts({ signal: controller.signal, report: (e) => events.push(e.kind) }),
    );
    controller.abort();
    expect(result.status).toBe('done');
    expect(events).toEqual(['backup', 'outcome']);
  });

  it('the real clock is the wall clock, and its sleep waits exactly as long as it is told (on fake timers)', async () => {
    const before = Date.now();
    const now = realClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    vi.useFakeTimers();
    try {
      let woke = false;
      void realClock.sleep(30).then(() => (woke = true));
      await vi.advanceTimersByTimeAsync(29);
      expect(woke).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(woke).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('names a change by kind, namespace and name', () => {
    expect(changeLabel(change([]))).toBe('PersistentVolume pv-a');
    expect(changeLabel(change([], { target: { kind: 'StatefulSet', namespace: 'shop', name: 'db', uid: 'u', resourceVersion: '1' } }))).toBe(
      'StatefulSet shop/db',
    );
  });
});

/** The one backup directory under a root. */
function backupDirIn(root: string): string {
  const [dir] = fs.readdirSync(root);
  return path.join(root, dir!);
}

describe('applyPlan: how a failure is worded', () => {
  const failing = (err: unknown, step: Step = testedPatch) =>
    outcomeOf(
      () => {
        throw err;
      },
      change([step]),
    );

  it('a failed JSON-patch test (a bare 422, as 1.33 sends it) is a change since the plan', async () => {
    const { outcome } = await failing(new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', 'PATCH', pvPath));
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toBe(
      'it changed since it was read (planned against resourceVersion 7); nothing was overwritten. Run the command again to plan against its current state',
    );
  });

  it('so are the newer wordings of a failed test', async () => {
    for (const text of ['testing value /metadata/resourceVersion failed', 'the test operation failed']) {
      const { outcome } = await failing(new ApiError(422, 'Invalid', text, 'PATCH', pvPath));
      expect(outcome.message).toMatch(/^it changed since it was read/);
    }
  });

  it('a 422 of another kind is the server refusing the object, quoted', async () => {
    const { outcome } = await failing(new ApiError(422, 'Invalid', 'spec.claimRef: Invalid value', 'PATCH', pvPath));
    expect(outcome.message).toBe('422 Invalid: spec.claimRef: Invalid value');
  });

  it('a bare 422 on a patch without a test is not taken for a precondition', async () => {
    const { outcome } = await failing(
      new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', 'PATCH', pvPath),
      plainPatch,
    );
    expect(outcome.message).toBe('422 Invalid: the server rejected our request due to an error in our request');
  });

  it('a bare 422 on a create is the server refusing the object, not a precondition', async () => {
    const create: Step = { kind: 'create', path: '/api/v1/namespaces/shop/persistentvolumeclaims', body: { metadata: { name: 'c' } }, description: '' };
    const { outcome } = await failing(
      new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', 'POST', create.path),
      create,
    );
    expect(outcome.message).toBe('422 Invalid: the server rejected our request due to an error in our request');
  });

  it('forbidden, gone, and any other status each say so', async () => {
    expect((await failing(new ApiError(403, 'Forbidden', 'persistentvolumes "pv-a" is forbidden', 'PATCH', pvPath))).outcome.message).toBe(
      'forbidden: persistentvolumes "pv-a" is forbidden',
    );
    expect((await failing(new ApiError(404, 'NotFound', 'persistentvolumes "pv-a" not found', 'PATCH', pvPath))).outcome.message).toBe('it no longer exists');
    expect((await failing(new ApiError(503, 'ServiceUnavailable', 'the server is shutting down', 'PATCH', pvPath))).outcome.message).toBe(
      '503 ServiceUnavailable: the server is shutting down',
    );
  });

  it('a request cut off mid-way may have been applied: unknown, and re-running is safe', async () => {
    const { outcome } = await failing(new ConnectionError('https://recorded.invalid', 'socket hang up', true));
    expect(outcome.status).toBe('unknown');
    expect(outcome.message).toBe(
      'cannot reach the API server https://recorded.invalid: socket hang up; the connection failed during the request, so it may or may not have been applied: re-run after the server is back (objects already changed are skipped)',
    );
  });

  it('any other error is given by its message, and a thrown non-error as text', async () => {
    expect((await failing(new Error('boom'))).outcome.message).toBe('boom');
    expect((await failing('plain text')).outcome.message).toBe('plain text');
  });

  it('a failure after some steps says how far the change got', async () => {
    let n = 0;
    const { outcome } = await outcomeOf(
      () => {
        if (++n === 2) throw new ApiError(500, 'InternalError', 'oops', 'PATCH', pvPath);
        return stored('8');
      },
      change([plainPatch, plainPatch, plainPatch]),
    );
    expect(outcome.message).toBe('500 InternalError: oops (after 1 of 3 steps)');
  });
});

describe('applyPlan: a patch', () => {
  it('is one JSON patch with its tests, the result kept as what the server stored', async () => {
    const { writes, outcome, result } = await outcomeOf(() => stored('8'), change([testedPatch]));
    expect(outcome.status).toBe('applied');
    expect(writes()).toEqual([{ method: 'PATCH', path: pvPath, query: {}, body: testedPatch.patch, contentType: 'application/json-patch+json' }]);
    expect(result.backup!.record.objects[0]!.resourceVersionAfter).toBe('8');
  });

  it('a result without a resourceVersion is not taken for the stored object', async () => {
    const { result } = await outcomeOf(() => ({}), change([plainPatch]));
    expect(result.backup!.record.objects[0]!.resourceVersionAfter).toBeUndefined();
    expect(result.backup!.after(result.backup!.record.objects[0]!)).toMatchObject({ metadata: { name: 'pv-a' } });
  });
});

describe('applyPlan: an orphaning delete', () => {
  const del: Step = { kind: 'delete-orphan', path: setPath, uid: 'u1', generation: 1, description: 'delete, orphaning the pods' };
  const current = (over: Record<string, unknown> = {}) => ({ metadata: { name: 'db', uid: 'u1', generation: 1, resourceVersion: '50', ...over } });

  /** The set until it is deleted, then gone after `gcReads` more reads. */
  function setServer(read: () => unknown, gcReads = 0) {
    let deleted = false;
    let after = 0;
    return (call: Call) => {
      if (call.method === 'DELETE') {
        if (!call.query?.['dryRun']) deleted = true;
        return current();
      }
      if (call.method === 'GET') {
        if (!deleted) return read();
        if (after++ < gcReads) return current();
        throw new ApiError(404, 'NotFound', 'not found', call.method, call.path);
      }
      return {};
    };
  }

  it('deletes with propagation Orphan, pinned to the uid and the resourceVersion just read, then waits for the garbage collector', async () => {
    const { writes, outcome, calls } = await outcomeOf(
      setServer(() => current(), 3),
      change([del]),
    );
    expect(outcome.status).toBe('applied');
    expect(writes()).toEqual([
      {
        method: 'DELETE',
        path: setPath,
        query: {},
        body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Orphan', preconditions: { uid: 'u1', resourceVersion: '50' } },
        contentType: undefined,
      },
    ]);
    // one read before, three while the collector works, one that finds it gone
    expect(calls.filter((c) => c.method === 'GET')).toHaveLength(5);
  });

  it('in a server dry run sends dryRun in the body too, and waits for nothing', async () => {
    const { writes, outcome, calls } = await outcomeOf(
      setServer(() => current(), 100),
      change([del]),
      { dryRun: 'server' },
    );
    expect(outcome.status).toBe('dry-run');
    expect(writes()[0]!.query).toEqual({ dryRun: 'All' });
    expect(writes()[0]!.body).toMatchObject({ dryRun: ['All'], preconditions: { uid: 'u1', resourceVersion: '50' } });
    expect(calls.filter((c) => c.method === 'GET')).toHaveLength(1);
  });

  it('refuses an object deleted since it was read, or replaced under its name, and deletes nothing', async () => {
    for (const read of [
      () => {
        throw new ApiError(404, 'NotFound', 'not found', 'GET', setPath);
      },
      () => current({ uid: 'someone-elses' }),
    ]) {
      const { writes, outcome } = await outcomeOf(setServer(read), change([del]));
      expect(outcome.status).toBe('failed');
      expect(outcome.message).toBe(
        'it was deleted or replaced since it was read; nothing was changed by this step. Run the command again to plan against its current state',
      );
      expect(writes()).toEqual([]);
    }
  });

  it('a read that fails for another reason than "not found" is that failure, not "deleted"', async () => {
    const { writes, outcome } = await outcomeOf(
      () => {
        throw new ApiError(500, 'InternalError', 'etcd leader changed', 'GET', setPath);
      },
      change([del]),
    );
    expect(outcome.message).toBe('500 InternalError: etcd leader changed');
    expect(writes()).toEqual([]);
  });

  it('refuses an object whose spec changed since it was read (its generation moved)', async () => {
    const { writes, outcome } = await outcomeOf(
      setServer(() => current({ generation: 2 })),
      change([del]),
    );
    expect(outcome.message).toBe(
      'its spec changed since it was read (generation 1 -> 2); nothing was changed by this step. Run the command again to plan against its current state',
    );
    expect(writes()).toEqual([]);
  });

  it('expects the generation the step before it left, when one did', async () => {
    const bump: Step = { kind: 'patch', path: setPath, patch: [{ op: 'replace', path: '/spec/x', value: 1 }], description: '' };
    const answer = setServer(() => current({ generation: 2 }));
    const { outcome } = await outcomeOf(
      (call) => (call.method === 'PATCH' ? current({ generation: 2, resourceVersion: '49' }) : answer(call)),
      change([bump, del]),
    );
    expect(outcome.status).toBe('applied');
  });

  it('reads again and retries when only the status moved (409), with the new resourceVersion', async () => {
    let reads = 0;
    let conflicts = 0;
    const { writes, outcome } = await outcomeOf(
      (call) => {
        if (call.method === 'GET') {
          reads++;
          if (conflicts < 2 || reads <= 3) return current({ resourceVersion: String(50 + reads) });
          throw new ApiError(404, 'NotFound', 'not found', 'GET', setPath);
        }
        if (call.method === 'DELETE' && conflicts < 2) {
          conflicts++;
          throw new ApiError(409, 'Conflict', 'Precondition failed: ResourceVersion in precondition: 51', 'DELETE', setPath);
        }
        return current();
      },
      change([del]),
    );
    expect(outcome.status).toBe('applied');
    expect(writes().map((c) => (c.body as { preconditions: { resourceVersion: string } }).preconditions.resourceVersion)).toEqual(['51', '52', '53']);
  });

  it('gives up after five retries, as a change since the plan', async () => {
    const { writes, outcome } = await outcomeOf(
      (call) => {
        if (call.method === 'GET') return current();
        throw new ApiError(409, 'Conflict', 'Precondition failed', 'DELETE', setPath);
      },
      change([del]),
    );
    expect(writes()).toHaveLength(6);
    expect(outcome.message).toMatch(/^it changed since it was read/);
  });

  it('an error other than a conflict is not retried', async () => {
    const { writes, outcome } = await outcomeOf(
      (call) => {
        if (call.method === 'GET') return current();
        throw new ApiError(403, 'Forbidden', 'statefulsets.apps "db" is forbidden', 'DELETE', setPath);
      },
      change([del]),
    );
    expect(writes()).toHaveLength(1);
    expect(outcome.message).toBe('forbidden: statefulsets.apps "db" is forbidden');
  });
});

describe('applyPlan: a create', () => {
  const body = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'shop' }, spec: {} } as KubeObject;
  const create: Step = { kind: 'create', path: '/apis/apps/v1/namespaces/shop/statefulsets', body, description: 'create' };

  it('in a dry run is validated under a generated name, since the old object still holds the name', async () => {
    const { writes } = await outcomeOf(() => ({ metadata: { name: 'db-x7k2p', resourceVersion: '0' } }), change([create]), { dryRun: 'server' });
    expect(writes()[0]!.query).toEqual({ dryRun: 'All' });
    expect(writes()[0]!.body).toEqual({ ...body, metadata: { namespace: 'shop', name: undefined, generateName: 'db-' } });
  });

  it('sends the body as planned in a real run', async () => {
    const { writes, outcome } = await outcomeOf(() => ({ metadata: { name: 'db', uid: 'u2', resourceVersion: '9' } }), change([create]));
    expect(outcome.status).toBe('applied');
    expect(writes()[0]).toMatchObject({ method: 'POST', query: {}, body });
  });

  it('a 409 whose name turns out free again is reported as the conflict it was', async () => {
    const { outcome, calls } = await outcomeOf(
      (call) => {
        if (call.method === 'POST') throw new ApiError(409, 'AlreadyExists', 'statefulsets.apps "db" already exists', 'POST', call.path);
        throw new ApiError(404, 'NotFound', 'not found', call.method, call.path);
      },
      change([create]),
    );
    expect(calls.find((c) => c.method === 'GET')!.path).toBe(setPath);
    expect(outcome.message).toMatch(/^it changed since it was read/);
  });

  it('a failure other than a conflict is not looked into, even when the name is taken', async () => {
    const { outcome, calls } = await outcomeOf(
      (call) => {
        if (call.method === 'POST') throw new ApiError(500, 'InternalError', 'etcd leader changed', 'POST', call.path);
        return { metadata: { name: 'db', uid: 'u9' } };
      },
      change([create]),
    );
    expect(outcome.message).toBe('500 InternalError: etcd leader changed');
    expect(calls.filter((c) => c.method === 'GET')).toEqual([]);
  });

  it('a 409 in a dry run is not looked into', async () => {
    const { calls } = await outcomeOf(
      () => {
        throw new ApiError(409, 'AlreadyExists', 'exists', 'POST', create.path);
      },
      change([create]),
      { dryRun: 'server' },
    );
    expect(calls.filter((c) => c.method === 'GET')).toEqual([]);
  });

  it('a name taken by an object no one manages says only its uid', async () => {
    const { outcome } = await outcomeOf(
      (call) => {
        if (call.method === 'POST') throw new ApiError(409, 'AlreadyExists', 'exists', 'POST', call.path);
        return { metadata: { name: 'db', uid: 'u9' } };
      },
      change([create]),
    );
    expect(outcome.message).toMatch(/^another writer created db again \(uid u9\) before this repair could: its owner re-creates it/);
  });
});

describe('applyPlan: waiting for a VolumeSnapshot', () => {
  const vsPath = '/apis/snapshot.storage.k8s.io/v1/namespaces/shop/volumesnapshots/data-db-0-before';
  const wait: Step = { kind: 'wait-snapshot-ready', path: vsPath, timeoutMs: 5000, description: 'wait' };
  const vs = (status?: Record<string, unknown>) => ({ metadata: { name: 'data-db-0-before', resourceVersion: '5' }, ...(status ? { status } : {}) });

  it('goes on once it is ready to use, polling once a second until then', async () => {
    let reads = 0;
    const { outcome } = await outcomeOf(() => (++reads < 3 ? vs({ readyToUse: false }) : vs({ readyToUse: true })), change([wait]));
    expect(outcome.status).toBe('applied');
    expect(reads).toBe(3);
  });

  it('stops at once on an error the controller recorded', async () => {
    const { outcome, calls } = await outcomeOf(() => vs({ readyToUse: false, error: { message: 'source claim not bound' } }), change([wait]));
    expect(outcome.message).toBe('VolumeSnapshot data-db-0-before failed: source claim not bound');
    expect(calls.filter((c) => c.method === 'GET')).toHaveLength(1);
  });

  it('times out saying how far it got: no status (no controller), no content yet, or bound', async () => {
    const messages: string[] = [];
    for (const status of [undefined, { readyToUse: false }, { readyToUse: false, boundVolumeSnapshotContentName: 'snapcontent-1' }]) {
      const { outcome, calls } = await outcomeOf(() => vs(status), change([wait]));
      messages.push(outcome.message!);
      expect(calls.filter((c) => c.method === 'GET')).toHaveLength(6);
    }
    expect(messages).toEqual([
      'VolumeSnapshot data-db-0-before was not ready to use after 5s (no status: is a snapshot-controller running?)',
      'VolumeSnapshot data-db-0-before was not ready to use after 5s (bound to no content yet)',
      'VolumeSnapshot data-db-0-before was not ready to use after 5s (bound to snapcontent-1)',
    ]);
  });

  it('is not waited for in a dry run', async () => {
    const { calls, outcome } = await outcomeOf(() => vs(), change([wait]), { dryRun: 'server' });
    expect(outcome.status).toBe('dry-run');
    expect(calls.filter((c) => c.method === 'GET')).toEqual([]);
  });
});

describe('applyPlan: releasing claims from their StatefulSet', () => {
  const setPath = '/apis/apps/v1/namespaces/shop/statefulsets/db';
  const release: Step = { kind: 'release-claims', namespace: 'shop', ownerPath: setPath, ownerUid: 'set-uid', description: 'release' };
  const claimsPath = '/api/v1/namespaces/shop/persistentvolumeclaims';
  const claim = (name: string, refs: Array<{ uid: string }>) => ({ metadata: { name, ownerReferences: refs } });
  // the set as its controller left it after syncing the patch (status.observedGeneration = generation)
  const set = (observed = 4, uid = 'set-uid') => ({ metadata: { name: 'db', uid, generation: 4 }, status: { observedGeneration: observed } });
  const synced = (call: Call) => (call.method === 'GET' && call.path === setPath ? set() : {});

  it("removes the set's reference from each claim that holds it, checked by uid at its index, until none does", async () => {
    let lists = 0;
    const { writes, outcome } = await outcomeOf(synced, change([release]), {}, () =>
      ++lists === 1
        ? [claim('data-db-0', [{ uid: 'other' }, { uid: 'set-uid' }]), claim('data-db-1', [{ uid: 'set-uid' }]), claim('mine', [{ uid: 'other' }])]
        : [claim('mine', [{ uid: 'other' }]), { metadata: { name: 'plain' } }],
    );
    expect(outcome.status).toBe('applied');
    expect(writes()).toEqual([
      {
        method: 'PATCH',
        path: `${claimsPath}/data-db-0`,
        query: undefined,
        contentType: 'application/json-patch+json',
        body: [
          { op: 'test', path: '/metadata/ownerReferences/1/uid', value: 'set-uid' },
          { op: 'remove', path: '/metadata/ownerReferences/1' },
        ],
      },
      {
        method: 'PATCH',
        path: `${claimsPath}/data-db-1`,
        query: undefined,
        contentType: 'application/json-patch+json',
        body: [
          { op: 'test', path: '/metadata/ownerReferences/0/uid', value: 'set-uid' },
          { op: 'remove', path: '/metadata/ownerReferences/0' },
        ],
      },
    ]);
    expect(lists).toBe(2);
  });

  it('takes a failed check, a conflict or a claim gone as "read again": the controller may be releasing them too', async () => {
    for (const status of [422, 409, 404]) {
      let lists = 0;
      const { outcome } = await outcomeOf(
        (call) => {
          if (call.method === 'GET') return set();
          throw new ApiError(status, 'x', 'moved', 'PATCH', call.path);
        },
        change([release]),
        {},
        () => (++lists === 1 ? [claim('data-db-0', [{ uid: 'set-uid' }])] : []),
      );
      expect(outcome.status).toBe('applied');
    }
  });

  it('any other error stops the change', async () => {
    const { outcome } = await outcomeOf(
      (call) => {
        if (call.method === 'GET') return set();
        throw new ApiError(403, 'Forbidden', 'persistentvolumeclaims "data-db-0" is forbidden', 'PATCH', call.path);
      },
      change([release]),
      {},
      () => [claim('data-db-0', [{ uid: 'set-uid' }])],
    );
    expect(outcome.message).toBe('forbidden: persistentvolumeclaims "data-db-0" is forbidden');
  });

  it('times out after a minute of claims that stay held', async () => {
    let lists = 0;
    const { outcome } = await outcomeOf(synced, change([release]), {}, () => (lists++, [claim('data-db-0', [{ uid: 'set-uid' }])]));
    expect(outcome.message).toBe("timed out after 60s waiting for the claims to be free of the StatefulSet's ownerReference");
    // every half second of the minute, and not once after it
    expect(lists).toBe(120);
  });

  it('first waits until the controller has synced the set as patched: no claim is read or written before', async () => {
    let gets = 0;
    let patched = false;
    const { calls, outcome } = await outcomeOf(
      (call) => {
        if (call.method === 'GET' && call.path === setPath) return set(++gets < 3 ? 3 : 4);
        if (call.method === 'PATCH') patched = true;
        return {};
      },
      change([release]),
      {},
      () => (patched ? [] : [claim('data-db-0', [{ uid: 'set-uid' }])]),
    );
    expect(outcome.status).toBe('applied');
    expect(gets).toBe(3);
    const order = calls.map((c) => c.method).filter((m) => m !== 'POST');
    // GET (3 then), then LIST and PATCH
    expect(order.slice(0, 3)).toEqual(['GET', 'GET', 'GET']);
    expect(order.indexOf('LIST')).toBe(3);
  });

  it('a set replaced or gone while waiting stops the change before any claim is touched', async () => {
    for (const answer of [() => set(4, 'new-uid'), () => undefined]) {
      const { calls, outcome } = await outcomeOf(
        (call) => (call.method === 'GET' ? answer() : {}),
        change([release]),
        {},
        () => [claim('data-db-0', [{ uid: 'set-uid' }])],
      );
      expect(outcome.status).toBe('failed');
      expect(calls.filter((c) => c.method === 'LIST' || c.method === 'PATCH')).toEqual([]);
    }
  });

  it('times out after a minute of a set its controller has not synced, naming what it waited for', async () => {
    const { calls, outcome } = await outcomeOf(
      (call) => (call.method === 'GET' ? set(3) : {}),
      change([release]),
      {},
      () => [claim('data-db-0', [{ uid: 'set-uid' }])],
    );
    expect(outcome.message).toBe(
      'timed out after 60s waiting for the StatefulSet controller to sync the set as patched (status.observedGeneration; is kube-controller-manager running?)',
    );
    expect(calls.filter((c) => c.method === 'LIST' || c.method === 'PATCH')).toEqual([]);
  });

  it('is not run in a dry run', async () => {
    const { calls } = await outcomeOf(synced, change([release]), { dryRun: 'server' }, () => [claim('data-db-0', [{ uid: 'set-uid' }])]);
    expect(calls.filter((c) => c.method === 'LIST' || c.method === 'PATCH')).toEqual([]);
  });
});

describe('applyPlan: waiting for the owner to re-create a set', () => {
  const wait: Step = {
    kind: 'wait-recreated',
    namespace: 'shop',
    name: 'db',
    oldUid: 'u1',
    controllerUid: 'cr-uid',
    template: 'data',
    size: '20Gi',
    description: 'the operator re-creates it',
  };
  const recreated = (over: { uid?: string; controller?: string; size?: string; observed?: number } = {}) => ({
    metadata: {
      name: 'db',
      uid: over.uid ?? 'u2',
      generation: 1,
      resourceVersion: '70',
      // a reference that does not control comes first: only the controller's counts
      ownerReferences: [
        { kind: 'ConfigMap', name: 'keeper', uid: 'cm-uid' },
        { kind: 'Prometheus', name: 'k8s', uid: over.controller ?? 'cr-uid', controller: true },
      ],
    },
    spec: {
      replicas: 1,
      volumeClaimTemplates: [
        { metadata: { name: 'other' } },
        { metadata: { name: 'data' }, spec: { resources: { requests: { storage: over.size ?? '20Gi' } } } },
      ],
    },
    status: { observedGeneration: over.observed ?? 1 },
  });
  const adopted = () => [{ metadata: { name: 'db-0', ownerReferences: [{ controller: true, uid: 'u2' }] } }];

  it('waits past the old set and a gap, then for the new one to adopt its pods', async () => {
    const reads = [
      () => ({ metadata: { name: 'db', uid: 'u1' } }),
      () => {
        throw new ApiError(404, 'NotFound', 'not found', 'GET', setPath);
      },
    ];
    let n = 0;
    const { outcome } = await outcomeOf(() => (n < reads.length ? reads[n++]!() : recreated()), change([wait]), {}, adopted);
    expect(outcome.status).toBe('applied');
  });

  it('the same size in another form is the same size', async () => {
    const { outcome } = await outcomeOf(() => recreated({ size: '20480Mi' }), change([wait]), {}, adopted);
    expect(outcome.status).toBe('applied');
  });

  it('a set under the name that the owner does not control is another writer', async () => {
    const { outcome } = await outcomeOf(() => recreated({ controller: 'someone' }), change([wait]), {}, adopted);
    expect(outcome.message).toMatch(/^another writer created db again \(uid u2; controlled by Prometheus k8s\)/);
  });

  it('a set re-created at the old size says the resource does not ask for the new one', async () => {
    const { outcome } = await outcomeOf(() => recreated({ size: '10Gi' }), change([wait]), {}, adopted);
    expect(outcome.message).toBe('the owner re-created statefulset db with template data at 10Gi, not 20Gi: its resource does not ask for the new size');
  });

  it('is not waited for in a dry run', async () => {
    const { calls, outcome } = await outcomeOf(() => recreated(), change([wait]), { dryRun: 'server' }, adopted);
    expect(outcome.status).toBe('dry-run');
    expect(calls.filter((c) => c.method === 'GET' || c.method === 'LIST')).toEqual([]);
  });

  it('gives the owner three minutes', async () => {
    const { outcome } = await outcomeOf(() => ({ metadata: { name: 'db', uid: 'u1' } }), change([wait]), {}, adopted);
    expect(outcome.message).toBe('timed out after 180s waiting for the owner to re-create statefulset db');
  });

  it('waits until the controller has observed the new set before looking at pods', async () => {
    let reads = 0;
    let lists = 0;
    const { outcome } = await outcomeOf(
      () => recreated({ observed: ++reads < 4 ? 0 : 1 }),
      change([wait]),
      {},
      () => (lists++, adopted()),
    );
    expect(outcome.status).toBe('applied');
    expect(lists).toBe(1);
  });
});

describe('applyPlan: adoption of the pods by a set this repair created', () => {
  const adoption = (rollPods: string[] = []): Step => ({ kind: 'wait-adoption', namespace: 'shop', name: 'db', rollPods, description: 'adopt' });
  const create: Step = {
    kind: 'create',
    path: '/apis/apps/v1/namespaces/shop/statefulsets',
    body: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'shop' } },
    description: 'create',
  };
  const created = { metadata: { name: 'db', uid: 'u2', generation: 1, resourceVersion: '9' } };
  const set = (over: Record<string, unknown> = {}) => ({ ...created, spec: { replicas: 2 }, status: { observedGeneration: 1 }, ...over });
  const pod = (name: string, uid: string, owner = 'u2') => ({
    metadata: { name, uid, ownerReferences: [{ uid: 'not-a-controller' }, { controller: true, uid: owner }] },
  });

  it('is done when every ordinal pod is controlled by the new set; pods of other names do not count', async () => {
    const { outcome } = await outcomeOf(
      (call) => (call.method === 'POST' ? created : set()),
      change([create, adoption()]),
      {},
      () => [
        pod('db-0', 'p0'),
        pod('db-1', 'p1'),
        pod('db-backup', 'x', 'other'),
        pod('db-1-debug', 'y', 'other'),
        pod('dba-0', 'z', 'other'),
        pod('db-x1', 'w', 'other'),
      ],
    );
    expect(outcome.status).toBe('applied');
  });

  it('waits while an ordinal pod still has another controller', async () => {
    let lists = 0;
    const { outcome } = await outcomeOf(
      (call) => (call.method === 'POST' ? created : set()),
      change([create, adoption()]),
      {},
      () => (++lists < 3 ? [pod('db-0', 'p0', 'u1')] : [pod('db-0', 'p0')]),
    );
    expect(outcome.status).toBe('applied');
    expect(lists).toBe(3);
  });

  it('an ordinal of two digits is an ordinal pod too', async () => {
    let lists = 0;
    const { outcome } = await outcomeOf(
      (call) => (call.method === 'POST' ? created : set()),
      change([create, adoption()]),
      {},
      () => (++lists < 2 ? [] : [pod('db-10', 'p10')]),
    );
    expect(outcome.status).toBe('applied');
    expect(lists).toBe(2);
  });

  it('waits for the controller to observe the generation the set is at, not only the first', async () => {
    let reads = 0;
    let lists = 0;
    const { outcome } = await outcomeOf(
      (call) =>
        call.method === 'POST' ? created : set({ metadata: { ...created.metadata, generation: 2 }, status: { observedGeneration: ++reads < 3 ? 1 : 2 } }),
      change([create, adoption()]),
      {},
      () => (lists++, [pod('db-0', 'p0')]),
    );
    expect(outcome.status).toBe('applied');
    expect(lists).toBe(1);
  });

  it('a set gone, or another under the name, is reported at once', async () => {
    const gone = await outcomeOf(
      (call) => {
        if (call.method === 'POST') return created;
        throw new ApiError(404, 'NotFound', 'not found', 'GET', setPath);
      },
      change([create, adoption()]),
    );
    expect(gone.outcome.message).toBe('the StatefulSet this repair created is gone (after 1 of 2 steps)');
    const replaced = await outcomeOf(
      (call) => (call.method === 'POST' ? created : set({ metadata: { ...created.metadata, uid: 'u3' } })),
      change([create, adoption()]),
    );
    expect(replaced.outcome.message).toBe('the StatefulSet this repair created is gone (uid u3 holds the name now) (after 1 of 2 steps)');
  });

  it('a set without a status yet has not been observed', async () => {
    let reads = 0;
    const { outcome } = await outcomeOf(
      (call) => (call.method === 'POST' ? created : ++reads < 3 ? set({ status: undefined }) : set()),
      change([create, adoption()]),
      {},
      () => [pod('db-0', 'p0')],
    );
    expect(outcome.status).toBe('applied');
    expect(reads).toBe(3);
  });

  it('rolls the pods it is told to, each deleted by uid and waited for until it is back with a new one', async () => {
    const podUids: Record<string, string[]> = { 'db-0': ['p0', 'p0', 'p0-new'], 'db-1': ['p1', 'p1-new'] };
    const { writes, outcome } = await outcomeOf(
      (call) => {
        if (call.method === 'POST') return created;
        if (call.path === setPath) return set();
        const name = call.path.split('/').at(-1)!;
        if (call.method === 'DELETE') return {};
        const uids = podUids[name];
        if (!uids) throw new ApiError(404, 'NotFound', 'not found', 'GET', call.path);
        return pod(name, uids.length > 1 ? uids.shift()! : uids[0]!);
      },
      change([create, adoption(['db-0', 'db-missing', 'db-1'])]),
      {},
      () => [pod('db-0', 'p0')],
    );
    expect(outcome.status).toBe('applied');
    expect(writes().filter((c) => c.method === 'DELETE')).toEqual([
      {
        method: 'DELETE',
        path: '/api/v1/namespaces/shop/pods/db-0',
        query: undefined,
        contentType: undefined,
        body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: 'p0' } },
      },
      {
        method: 'DELETE',
        path: '/api/v1/namespaces/shop/pods/db-1',
        query: undefined,
        contentType: undefined,
        body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: 'p1' } },
      },
    ]);
  });

  it('gives a rolled pod three minutes to come back', async () => {
    const { outcome } = await outcomeOf(
      (call) => {
        if (call.method === 'POST') return created;
        if (call.path === setPath) return set();
        if (call.method === 'DELETE') return {};
        return pod('db-0', 'p0');
      },
      change([create, adoption(['db-0'])]),
      {},
      () => [pod('db-0', 'p0')],
    );
    expect(outcome.message).toBe('timed out after 180s waiting for pod db-0 to be recreated (after 1 of 2 steps)');
  });

  it('is skipped in a dry run, with the managed fields handed back', async () => {
    const handBack: Step = { kind: 'hand-back-fields', path: setPath, managedFields: [], description: 'hand back' };
    const { calls, outcome } = await outcomeOf(() => ({ metadata: { name: 'db-x', resourceVersion: '1' } }), change([create, adoption(['db-0']), handBack]), {
      dryRun: 'server',
    });
    expect(outcome.status).toBe('dry-run');
    expect(calls.filter((c) => c.path !== '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews').map((c) => c.method)).toEqual(['POST']);
  });
});
