// The only module that writes to the cluster. Every repair gets, from here:
// --dry-run (with the server's dryRun=All), a confirmation hook, an RBAC
// check before the first write, a backup of each object before it changes,
// one atomic request per object carrying its preconditions, a batch that
// continues past failures, and an outcome for every object. It renders
// nothing and knows no exit codes: cli/run-plan.ts shows the plan, asks,
// and turns the result into what the user sees.
import type { KubeClient } from '../kube/client.js';
import { ApiError, ConnectionError } from '../kube/errors.js';
import type { Claim, KubeObject, StatefulSet, VolumeSnapshot } from '../kube/types.js';
import { parseQuantity } from '../kube/quantity.js';
import { managersOf } from '../analysis/owner.js';
import { Backup, type BackupEntry } from './backup.js';
import { describePermission, missingPermissions } from './access.js';
import type { Plan, PlannedChange, Step } from './plan.js';

export type DryRun = 'none' | 'client' | 'server';

export type ApplyEvent =
  | { kind: 'server-dry-run'; change: PlannedChange; accepted: boolean; message?: string }
  | { kind: 'backup'; backup: Backup }
  | { kind: 'interrupted' }
  | { kind: 'outcome'; outcome: ApplyOutcome };

export interface ApplyOptions {
  dryRun: DryRun;
  backupRoot: string;
  /** Asked once, after the RBAC check and before the first write; false stops with nothing changed. */
  confirm: (changes: number) => Promise<boolean>;
  /** Told what happens, as it happens. */
  report?: (event: ApplyEvent) => void;
  /** Awaited after each object's outcome is recorded (tests stop the server here). */
  afterChange?: (outcome: ApplyOutcome) => Promise<void> | void;
  /**
   * Aborted to stop the batch after the request in flight (the CLI aborts it
   * on Ctrl-C). A signal, not a process handler of the engine's own: the
   * engine may run inside a process that decides for itself what SIGINT means.
   */
  signal?: AbortSignal;
  /** What the waits (garbage collector, adoption) read time from; unit tests pass their own. */
  clock?: Clock;
}

/** Time for the waits between steps. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

export interface ApplyOutcome {
  change: PlannedChange;
  status: 'applied' | 'failed' | 'unknown' | 'untouched' | 'dry-run';
  message?: string;
}

export interface ApplyResult {
  /**
   * nothing-to-do: the plan has no changes; forbidden: RBAC lacks a verb
   * (nothing changed); dry-run: previewed only; declined: the confirmation
   * said no; rejected: an atomic plan's server dry run refused a change
   * (nothing changed); done: every change ran (see outcomes); interrupted: Ctrl-C
   * stopped the batch after the request in flight.
   */
  status: 'nothing-to-do' | 'forbidden' | 'dry-run' | 'rejected' | 'declined' | 'done' | 'interrupted';
  outcomes: ApplyOutcome[];
  /** forbidden: what the user may not do */
  missing?: string[];
  /** dry-run: the server rejected some change */
  rejected?: boolean;
  backup?: Backup;
}

export async function applyPlan(client: KubeClient, plan: Plan, opts: ApplyOptions): Promise<ApplyResult> {
  if (plan.changes.length === 0) return { status: 'nothing-to-do', outcomes: [] };
  const clock = opts.clock ?? realClock;

  const missing = await missingPermissions(
    client,
    plan.changes.flatMap((c) => c.permissions),
  );
  if (missing.length > 0) return { status: 'forbidden', outcomes: [], missing: missing.map(describePermission) };

  if (opts.dryRun === 'client') return { status: 'dry-run', outcomes: [] };
  if (opts.dryRun === 'server' || plan.atomic) {
    let rejected = false;
    const outcomes: ApplyOutcome[] = [];
    for (const change of plan.changes) {
      const r = await runSteps(client, change, true, clock);
      rejected ||= r.status !== 'dry-run';
      outcomes.push({ change, status: r.status, message: r.message });
      opts.report?.({ kind: 'server-dry-run', change, accepted: r.status === 'dry-run', message: r.message });
    }
    if (opts.dryRun === 'server') return { status: 'dry-run', outcomes, rejected };
    if (rejected) return { status: 'rejected', outcomes };
  }

  if (!(await opts.confirm(plan.changes.length))) return { status: 'declined', outcomes: [] };

  const backup = Backup.create(opts.backupRoot, plan.command, client.server);
  opts.report?.({ kind: 'backup', backup });
  let interrupted = false;
  const onAbort = () => {
    interrupted = true;
    opts.report?.({ kind: 'interrupted' });
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  const outcomes: ApplyOutcome[] = [];
  try {
    for (const change of plan.changes) {
      if (interrupted) {
        outcomes.push({ change, status: 'untouched', message: 'interrupted before this object' });
        continue;
      }
      if (plan.atomic && outcomes.some((o) => o.status !== 'applied')) {
        outcomes.push({ change, status: 'untouched', message: 'an earlier change did not apply, and this repair is all or nothing' });
        continue;
      }
      const entry = backup.add(change);
      const outcome = await runSteps(client, change, false, clock);
      record(entry, outcome);
      // What the server stored (with its defaults) is what undo compares against later.
      if (outcome.status === 'applied' && outcome.result) backup.setAfter(entry, outcome.result);
      backup.save();
      const { result: _stored, ...plain } = outcome;
      outcomes.push(plain);
      opts.report?.({ kind: 'outcome', outcome: plain });
      await opts.afterChange?.(plain);
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  return { status: interrupted ? 'interrupted' : 'done', outcomes, backup };
}

/** "PersistentVolume pv-a", "StatefulSet shop/db" */
export function changeLabel(change: PlannedChange): string {
  const t = change.target;
  return `${t.kind} ${t.namespace ? t.namespace + '/' : ''}${t.name}`;
}

function record(entry: BackupEntry, outcome: ApplyOutcome & { result?: KubeObject }): void {
  entry.status = outcome.status === 'dry-run' ? 'planned' : outcome.status;
  if (outcome.message) entry.error = outcome.message;
  if (outcome.result?.metadata?.resourceVersion) entry.resourceVersionAfter = outcome.result.metadata.resourceVersion;
}

async function runSteps(client: KubeClient, change: PlannedChange, dryRun: boolean, clock: Clock): Promise<ApplyOutcome & { result?: KubeObject }> {
  let last: KubeObject | undefined;
  let done = 0;
  // A replacement deletes before it creates. Validate the create first, so an
  // object the API server would refuse (since 1.34, a StatefulSet whose mount
  // names nothing) is never deleted with nothing to take its place.
  const replacement = change.steps.find((s) => s.kind === 'create');
  if (!dryRun && replacement && change.steps.some((s) => s.kind === 'delete-orphan')) {
    try {
      await runStep(client, replacement, true, undefined, clock);
    } catch (err) {
      return {
        change,
        status: 'failed',
        message: `the API server would refuse the object to be created, so nothing was deleted: ${explainFailure(err, change, replacement)}`,
      };
    }
  }
  for (const step of change.steps) {
    // Nothing was created under the name in a dry run: nothing to hand back or wait for.
    if (dryRun && (step.kind === 'wait-adoption' || step.kind === 'hand-back-fields' || step.kind === 'wait-recreated' || step.kind === 'wait-snapshot-ready'))
      continue;
    try {
      const result = await runStep(client, step, dryRun, last, clock);
      if (result?.metadata?.resourceVersion) last = result;
      done++;
    } catch (err) {
      const message = explainFailure(err, change, step);
      // A request cut off by the network may or may not have been applied.
      const status = err instanceof ConnectionError && err.maybeSent && !dryRun ? 'unknown' : 'failed';
      return { change, status, message: done > 0 ? `${message} (after ${done} of ${change.steps.length} steps)` : message };
    }
  }
  return { change, status: dryRun ? 'dry-run' : 'applied', result: last };
}

async function waitUntil(clock: Clock, what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = clock.now() + timeoutMs;
  while (clock.now() < deadline) {
    if (await probe()) return;
    await clock.sleep(500);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
}

/** Who wrote an object: its managers (status writers aside) and its controller. */
function writersOf(object: KubeObject): string {
  const managers = managersOf(object);
  const controller = (object as Owned).metadata?.ownerReferences?.find((o) => o.controller);
  return [managers.length ? `written by ${managers.join(', ')}` : '', controller ? `controlled by ${controller.kind} ${controller.name}` : '']
    .filter(Boolean)
    .join(', ');
}

/**
 * The name was taken by another writer between our delete and our create:
 * most often the set's owner (an operator, a GitOps controller) re-creating
 * it from its own template. Not a time-out, not ours to overwrite.
 */
class NameTakenError extends Error {
  constructor(path: string, object: KubeObject) {
    super(
      `another writer created ${object.metadata?.name ?? path} again (uid ${object.metadata?.uid}${writersOf(object) ? `; ${writersOf(object)}` : ''}) before this repair could: its owner re-creates it from its own template, so make the change there (the plan's Owner line names it when it is known); the claims and pods are as the steps before left them`,
    );
  }
}

async function exists(client: KubeClient, path: string): Promise<KubeObject | undefined> {
  try {
    return await client.request<KubeObject>('GET', path);
  } catch (err) {
    if (err instanceof ApiError && err.notFound) return undefined;
    throw err;
  }
}

/** Runs one step; `previous` is what the previous step of this change returned. */
async function runStep(client: KubeClient, step: Step, dryRun: boolean, previous: KubeObject | undefined, clock: Clock): Promise<KubeObject | undefined> {
  const query = dryRun ? { dryRun: 'All' } : {};
  switch (step.kind) {
    case 'patch':
      return client.request<KubeObject>('PATCH', step.path, { query, body: step.patch, contentType: 'application/json-patch+json' });
    case 'delete-orphan': {
      // The controller keeps writing status, which moves resourceVersion but
      // not metadata.generation: "the spec is still what was planned" is uid +
      // generation; the delete itself is pinned to the resourceVersion just read.
      const expectedGeneration = (!dryRun && previous?.metadata?.generation) || step.generation;
      for (let attempt = 0; ; attempt++) {
        const current = await exists(client, step.path);
        if (!current || current.metadata?.uid !== step.uid) throw new PreconditionError('it was deleted or replaced since it was read');
        if (current.metadata?.generation !== expectedGeneration) {
          throw new PreconditionError(`its spec changed since it was read (generation ${expectedGeneration} -> ${current.metadata?.generation})`);
        }
        try {
          const deleted = await client.request<KubeObject>('DELETE', step.path, {
            query,
            // With a DeleteOptions body the API server reads dryRun from the body,
            // not from the query string: it must be in both.
            body: {
              apiVersion: 'v1',
              kind: 'DeleteOptions',
              propagationPolicy: 'Orphan',
              preconditions: { uid: step.uid, resourceVersion: current.metadata?.resourceVersion },
              ...(dryRun ? { dryRun: ['All'] } : {}),
            },
          });
          // The garbage collector orphans the dependents, then removes the object.
          // An object of the same name with another uid is a new one: someone re-created it.
          if (!dryRun)
            await waitUntil(
              clock,
              'the garbage collector to finish the orphaning delete (the delete was accepted: the object may still go, and then only the create remains to run)',
              async () => {
                const now = await exists(client, step.path);
                if (now && now.metadata?.uid !== step.uid) throw new NameTakenError(step.path, now);
                return !now;
              },
              120_000,
            );
          return deleted;
        } catch (err) {
          if (err instanceof ApiError && err.conflict && attempt < 5) continue; // only status moved on: read again
          throw err;
        }
      }
    }
    case 'create': {
      // During a dry run the old object still exists: validate the new one under a generated name.
      const body = dryRun ? { ...step.body, metadata: { ...step.body.metadata, name: undefined, generateName: `${step.body.metadata?.name}-` } } : step.body;
      try {
        return await client.request<KubeObject>('POST', step.path, { query, body });
      } catch (err) {
        if (!dryRun && err instanceof ApiError && err.status === 409) {
          const taken = await exists(client, `${step.path}/${encodeURIComponent(step.body.metadata?.name ?? '')}`);
          if (taken) throw new NameTakenError(step.path, taken);
        }
        throw err;
      }
    }
    case 'hand-back-fields': {
      // The create made this tool the manager of every field. Putting the old
      // managedFields back (the API server takes them as sent when a request
      // changes them) returns each field to whoever set it: Helm 4's and
      // GitOps controllers' server-side applies then change their own fields,
      // and conflict with nobody. The uid test pins it to the object just created.
      const uid = previous?.metadata?.uid;
      return client.request<KubeObject>('PATCH', step.path, {
        contentType: 'application/json-patch+json',
        body: [
          { op: 'test', path: '/metadata/uid', value: uid },
          { op: 'replace', path: '/metadata/managedFields', value: step.managedFields },
        ],
      });
    }
    case 'wait-adoption':
      await waitForAdoption(client, step, previous, clock);
      return previous;
    case 'wait-snapshot-ready':
      return waitForSnapshotReady(client, step, clock);
    case 'wait-recreated':
      return waitForOwnerRecreate(client, step, clock);
    case 'release-claims':
      if (!dryRun) await releaseClaims(client, step, clock);
      return previous;
  }
}

/** An object with the ownerReferences the claim release and the pod adoption read. */
interface Owned extends KubeObject {
  metadata?: KubeObject['metadata'] & { ownerReferences?: Array<{ uid?: string; controller?: boolean; kind?: string; name?: string }> };
}

/**
 * A snapshot taken before a risky repair: the repair waits until the data is
 * safe. An error the controller records stops the wait at once (a failed
 * snapshot is not retried once its source is wrong), and so stops the plan.
 */
async function waitForSnapshotReady(client: KubeClient, step: Extract<Step, { kind: 'wait-snapshot-ready' }>, clock: Clock): Promise<KubeObject> {
  const deadline = clock.now() + step.timeoutMs;
  for (;;) {
    const vs = await client.request<VolumeSnapshot>('GET', step.path);
    if (vs.status?.readyToUse === true) return vs;
    if (vs.status?.error?.message) throw new Error(`VolumeSnapshot ${vs.metadata?.name} failed: ${vs.status.error.message}`);
    if (clock.now() >= deadline)
      throw new Error(
        `VolumeSnapshot ${vs.metadata?.name} was not ready to use after ${step.timeoutMs / 1000}s (${vs.status ? `bound to ${vs.status.boundVolumeSnapshotContentName ?? 'no content yet'}` : 'no status: is a snapshot-controller running?'})`,
      );
    await clock.sleep(1000);
  }
}

/**
 * Removes one owner's references from the namespace's claims, each patch
 * checked against the uid it removes, until none is left. The controller may
 * be removing them at the same moment (its own reaction to Retain), so a
 * patch whose check fails only means "read again".
 */
async function releaseClaims(client: KubeClient, step: Extract<Step, { kind: 'release-claims' }>, clock: Clock): Promise<void> {
  // The controller acts on the set as its cache holds it, which lags the API: a sync that still saw
  // whenDeleted: Delete could put the reference back on a claim after it was removed here, and a
  // reference the garbage collector has not seen yet is not orphaned by the delete, so the claim
  // would be collected with the set (seen once in CI, on 1.33: the claim came back with a new uid).
  // The controller syncs a set one sync at a time and writes status.observedGeneration from the set
  // it synced: once that reaches the patched generation, every sync of the old spec is done, and no
  // later one adds a reference.
  await waitUntil(
    clock,
    'the StatefulSet controller to sync the set as patched (status.observedGeneration; is kube-controller-manager running?)',
    async () => {
      const set = (await exists(client, step.ownerPath)) as StatefulSet | undefined;
      if (!set || set.metadata?.uid !== step.ownerUid) throw new PreconditionError('it was deleted or replaced since it was read');
      return (set.status?.observedGeneration ?? 0) >= (set.metadata?.generation ?? 0);
    },
    60_000,
  );
  const claimsPath = `/api/v1/namespaces/${encodeURIComponent(step.namespace)}/persistentvolumeclaims`;
  await waitUntil(
    clock,
    "the claims to be free of the StatefulSet's ownerReference",
    async () => {
      const held = (await client.list<Owned>(claimsPath)).filter((c) => c.metadata?.ownerReferences?.some((o) => o.uid === step.ownerUid));
      for (const claim of held) {
        const index = claim.metadata!.ownerReferences!.findIndex((o) => o.uid === step.ownerUid);
        try {
          await client.request('PATCH', `${claimsPath}/${encodeURIComponent(claim.metadata?.name ?? '')}`, {
            contentType: 'application/json-patch+json',
            body: [
              { op: 'test', path: `/metadata/ownerReferences/${index}/uid`, value: step.ownerUid },
              { op: 'remove', path: `/metadata/ownerReferences/${index}` },
            ],
          });
        } catch (err) {
          if (!(err instanceof ApiError && (err.status === 422 || err.status === 409 || err.notFound))) throw err;
        }
      }
      return held.length === 0;
    },
    60_000,
  );
}

/**
 * The owner (prometheus-operator, un-paused) creates the set again from its
 * resource: a new uid, controlled by that resource, at the new size. Anything
 * else under the name is another writer's, reported as such; then the pods
 * are adopted as after our own create.
 */
async function waitForOwnerRecreate(client: KubeClient, step: Extract<Step, { kind: 'wait-recreated' }>, clock: Clock): Promise<KubeObject> {
  const path = `/apis/apps/v1/namespaces/${encodeURIComponent(step.namespace)}/statefulsets/${encodeURIComponent(step.name)}`;
  let created: KubeObject | undefined;
  await waitUntil(
    clock,
    `the owner to re-create statefulset ${step.name}`,
    async () => {
      const now = (await exists(client, path)) as (Owned & { spec?: { volumeClaimTemplates?: Claim[] } }) | undefined;
      if (!now || now.metadata?.uid === step.oldUid) return false;
      if (!now.metadata?.ownerReferences?.some((o) => o.controller && o.uid === step.controllerUid)) throw new NameTakenError(path, now);
      const storage = now.spec?.volumeClaimTemplates?.find((t) => t.metadata?.name === step.template)?.spec?.resources?.requests?.['storage'];
      if (parseQuantity(storage) !== parseQuantity(step.size))
        throw new Error(
          `the owner re-created statefulset ${step.name} with template ${step.template} at ${storage}, not ${step.size}: its resource does not ask for the new size`,
        );
      created = now;
      return true;
    },
    180_000,
  );
  await waitForAdoption(client, { kind: 'wait-adoption', namespace: step.namespace, name: step.name, rollPods: [], description: '' }, created, clock);
  return created!;
}

/**
 * Adopted: the controller has synced the new set (status.observedGeneration
 * caught up with its generation: ClaimPods runs in that sync), a set that
 * wants pods has one, and every ordinal pod that exists carries the new uid
 * as its controller. A set at replicas 0 has no pods to wait for, and is
 * done once observed.
 */
async function waitForAdoption(
  client: KubeClient,
  step: Extract<Step, { kind: 'wait-adoption' }>,
  created: KubeObject | undefined,
  clock: Clock,
): Promise<void> {
  const uid = created?.metadata?.uid;
  const podsPath = `/api/v1/namespaces/${encodeURIComponent(step.namespace)}/pods`;
  const setPath = `/apis/apps/v1/namespaces/${encodeURIComponent(step.namespace)}/statefulsets/${encodeURIComponent(step.name)}`;
  const prefix = `${step.name}-`;
  const ours = (pods: Owned[]) =>
    pods.filter((p) => (p.metadata?.name ?? '').startsWith(prefix) && /^\d+$/.test((p.metadata?.name ?? '').slice(prefix.length)));
  await waitUntil(
    clock,
    'the new StatefulSet to adopt or create its pods',
    async () => {
      const set = (await exists(client, setPath)) as (KubeObject & { spec?: { replicas?: number }; status?: { observedGeneration?: number } }) | undefined;
      if (!set || set.metadata?.uid !== uid)
        throw new Error(`the StatefulSet this repair created is gone${set ? ` (uid ${set.metadata?.uid} holds the name now)` : ''}`);
      if ((set.status?.observedGeneration ?? 0) < (set.metadata?.generation ?? 1)) return false;
      const pods = ours(await client.list<Owned>(podsPath));
      // A set that wants pods has at least its first one: the controller may record the sync before the
      // pod it created is visible. At replicas 0 there is nothing to wait for.
      if ((set.spec?.replicas ?? 1) > 0 && pods.length === 0) return false;
      return pods.every((p) => p.metadata?.ownerReferences?.some((o) => o.controller && o.uid === uid));
    },
    120_000,
  );
  for (const podName of step.rollPods) {
    const podPath = `${podsPath}/${encodeURIComponent(podName)}`;
    const pod = await exists(client, podPath);
    if (!pod) continue;
    await client.request('DELETE', podPath, { body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: pod.metadata?.uid } } });
    await waitUntil(
      clock,
      `pod ${podName} to be recreated`,
      async () => {
        const again = await exists(client, podPath);
        return !!again && again.metadata?.uid !== pod.metadata?.uid;
      },
      180_000,
    );
  }
}

/**
 * The API server answers a failed JSON-patch "test" with a bare 422 Invalid
 * "the server rejected our request due to an error in our request" and no
 * details (seen on 1.33); a DELETE precondition with 409 Conflict.
 */
function isPreconditionFailure(err: ApiError, step: Step): boolean {
  if (err.status === 409) return true;
  if (step.kind !== 'patch' || !step.patch.some((op) => op.op === 'test')) return false;
  return err.status === 422 && /rejected our request due to an error in our request|test operation|testing value/i.test(err.message);
}

/** A precondition the tool checks itself, before a write. */
class PreconditionError extends Error {}

function explainFailure(err: unknown, change: PlannedChange, step: Step): string {
  if (err instanceof PreconditionError) return `${err.message}; nothing was changed by this step. Run the command again to plan against its current state`;
  if (err instanceof ApiError) {
    if (isPreconditionFailure(err, step)) {
      return `it changed since it was read (planned against resourceVersion ${change.target.resourceVersion}); nothing was overwritten. Run the command again to plan against its current state`;
    }
    if (err.forbidden) return `forbidden: ${err.message}`;
    if (err.notFound) return `it no longer exists`;
    return `${err.status} ${err.reason}: ${err.message}`;
  }
  if (err instanceof ConnectionError) {
    return err.maybeSent
      ? `${err.message}; the connection failed during the request, so it may or may not have been applied: re-run after the server is back (objects already changed are skipped)`
      : `${err.message}; nothing was sent, the object is untouched: re-run after the server is back`;
  }
  return err instanceof Error ? err.message : String(err);
}
