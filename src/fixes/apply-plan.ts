// The only module that writes to the cluster. Every repair gets, from here:
// the plan printed first, --dry-run (with the server's dryRun=All), a
// confirmation on a TTY or --yes, an RBAC check before the first write, a
// backup of each object before it changes, one atomic request per object
// carrying its preconditions, a batch that continues past failures, and a
// summary that says what happened to every object.
import readline from 'node:readline/promises';
import type { KubeClient } from '../kube/client.js';
import { ApiError, ConnectionError } from '../kube/errors.js';
import type { KubeObject } from '../kube/types.js';
import type { IO } from '../cli/io.js';
import { stdoutPaint } from '../cli/io.js';
import { EXIT, UsageError } from '../cli/errors.js';
import { renderPlan } from '../output/plan.js';
import { Backup, type BackupEntry } from './backup.js';
import { describePermission, missingPermissions } from './access.js';
import type { Plan, PlannedChange, Step } from './plan.js';

export type DryRun = 'none' | 'client' | 'server';

export interface ApplyOptions {
  dryRun: DryRun;
  yes: boolean;
  backupRoot: string;
  io: IO;
  /** called after each object's outcome is recorded (progress; tests stop the server here) */
  afterChange?: (outcome: ApplyOutcome) => Promise<void> | void;
  /** told where this run's backup went (undo records it) */
  onBackup?: (backup: Backup) => void;
}

export interface ApplyOutcome {
  change: PlannedChange;
  status: 'applied' | 'failed' | 'unknown' | 'untouched' | 'dry-run';
  message?: string;
}

export async function applyPlan(client: KubeClient, plan: Plan, opts: ApplyOptions): Promise<number> {
  const { io } = opts;
  const paint = stdoutPaint(io);
  io.stdout.write(renderPlan(plan, paint));
  const refused = plan.refusals.some((r) => !r.noop);
  if (plan.changes.length === 0) return refused ? EXIT.FINDINGS : EXIT.OK;

  const missing = await missingPermissions(client, plan.changes.flatMap((c) => c.permissions));
  if (missing.length > 0) {
    io.stderr.write(`error: refusing to start: the current user (${client.user}) may not ${missing.map(describePermission).join(', ')}; nothing was changed\n`);
    return EXIT.FINDINGS;
  }

  if (opts.dryRun === 'client') {
    io.stdout.write('Dry run (client): nothing was sent.\n');
    return refused ? EXIT.FINDINGS : EXIT.OK;
  }
  if (opts.dryRun === 'server') {
    let failed = false;
    for (const change of plan.changes) {
      const r = await runSteps(client, change, true);
      failed ||= r.status !== 'dry-run';
      io.stdout.write(`${r.status === 'dry-run' ? 'server dry run accepted' : `server dry run REJECTED: ${r.message}`}: ${label(change)}\n`);
    }
    io.stdout.write('Dry run: nothing was changed.\n');
    return failed || refused ? EXIT.FINDINGS : EXIT.OK;
  }

  if (!opts.yes) {
    if (!io.stdin.isTTY) throw new UsageError('refusing to change the cluster without confirmation: stdin is not a terminal, pass --yes (or --dry-run to preview)');
    const rl = readline.createInterface({ input: io.stdin, output: io.stderr });
    const answer = await rl.question(`Apply ${plan.changes.length} change(s)? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      io.stdout.write('Aborted: nothing was changed.\n');
      return EXIT.FINDINGS;
    }
  }

  const backup = Backup.create(opts.backupRoot, plan.command, client.server);
  io.stdout.write(`Backup: ${backup.dir}\n`);
  opts.onBackup?.(backup);
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    io.stderr.write('\ninterrupted: finishing the request in flight, leaving the rest untouched\n');
  };
  process.on('SIGINT', onSigint);
  const outcomes: ApplyOutcome[] = [];
  try {
    for (const change of plan.changes) {
      if (interrupted) {
        outcomes.push({ change, status: 'untouched', message: 'interrupted before this object' });
        continue;
      }
      const entry = backup.add(change);
      const outcome = await runSteps(client, change, false);
      record(entry, outcome);
      // What the server stored (with its defaults) is what undo compares against later.
      if (outcome.status === 'applied' && outcome.result) backup.setAfter(entry, outcome.result);
      backup.save();
      outcomes.push(outcome);
      await opts.afterChange?.(outcome);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  for (const o of outcomes) {
    const line = `${o.status}: ${label(o.change)}${o.message ? `: ${o.message}` : ''}`;
    io.stdout.write(`${o.status === 'applied' ? paint('green', line) : o.status === 'untouched' ? line : paint('red', line)}\n`);
  }
  const applied = outcomes.filter((o) => o.status === 'applied').length;
  io.stdout.write(`${applied} of ${plan.changes.length} change(s) applied; backup in ${backup.dir}\n`);
  if (applied > 0) io.stdout.write(`Undo with: kubectl sts-storage undo ${backup.dir}\n`);
  if (interrupted) return EXIT.INTERRUPTED;
  return outcomes.every((o) => o.status === 'applied') && !refused ? EXIT.OK : EXIT.FINDINGS;
}

function label(change: PlannedChange): string {
  const t = change.target;
  return `${t.kind} ${t.namespace ? t.namespace + '/' : ''}${t.name}`;
}

function record(entry: BackupEntry, outcome: ApplyOutcome & { result?: KubeObject }): void {
  entry.status = outcome.status === 'dry-run' ? 'planned' : outcome.status;
  if (outcome.message) entry.error = outcome.message;
  if (outcome.result?.metadata?.resourceVersion) entry.resourceVersionAfter = outcome.result.metadata.resourceVersion;
}

async function runSteps(client: KubeClient, change: PlannedChange, dryRun: boolean): Promise<ApplyOutcome & { result?: KubeObject }> {
  let last: KubeObject | undefined;
  let done = 0;
  // A replacement deletes before it creates. Validate the create first, so an
  // object the API server would refuse (since 1.34, a StatefulSet whose mount
  // names nothing) is never deleted with nothing to take its place.
  const replacement = change.steps.find((s) => s.kind === 'create');
  if (!dryRun && replacement && change.steps.some((s) => s.kind === 'delete-orphan')) {
    try {
      await runStep(client, replacement, true, undefined);
    } catch (err) {
      return { change, status: 'failed', message: `the API server would refuse the object to be created, so nothing was deleted: ${explainFailure(err, change, replacement)}` };
    }
  }
  for (const step of change.steps) {
    if (dryRun && step.kind === 'wait-adoption') continue;
    try {
      const result = await runStep(client, step, dryRun, last);
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await sleep(500);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
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
async function runStep(client: KubeClient, step: Step, dryRun: boolean, previous: KubeObject | undefined): Promise<KubeObject | undefined> {
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
            body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Orphan', preconditions: { uid: step.uid, resourceVersion: current.metadata?.resourceVersion }, ...(dryRun ? { dryRun: ['All'] } : {}) },
          });
          // The garbage collector orphans the dependents, then removes the object.
          if (!dryRun) await waitUntil('the garbage collector to finish the orphaning delete', async () => !(await exists(client, step.path)), 120_000);
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
      return client.request<KubeObject>('POST', step.path, { query, body });
    }
    case 'wait-adoption':
      await waitForAdoption(client, step, previous);
      return previous;
  }
}

interface PodLike extends KubeObject {
  metadata?: KubeObject['metadata'] & { ownerReferences?: Array<{ uid?: string; controller?: boolean }> };
}

/** Pods are adopted (ClaimPods) when their controller ownerReference carries the new uid. */
async function waitForAdoption(client: KubeClient, step: Extract<Step, { kind: 'wait-adoption' }>, created: KubeObject | undefined): Promise<void> {
  const uid = created?.metadata?.uid;
  const podsPath = `/api/v1/namespaces/${encodeURIComponent(step.namespace)}/pods`;
  const prefix = `${step.name}-`;
  const ours = (pods: PodLike[]) => pods.filter((p) => (p.metadata?.name ?? '').startsWith(prefix) && /^\d+$/.test((p.metadata?.name ?? '').slice(prefix.length)));
  await waitUntil(
    'the new StatefulSet to adopt or create its pods',
    async () => {
      const pods = ours(await client.list<PodLike>(podsPath));
      return pods.length > 0 && pods.every((p) => p.metadata?.ownerReferences?.some((o) => o.controller && o.uid === uid));
    },
    120_000,
  );
  for (const podName of step.rollPods) {
    const podPath = `${podsPath}/${encodeURIComponent(podName)}`;
    const pod = await exists(client, podPath);
    if (!pod) continue;
    await client.request('DELETE', podPath, { body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: pod.metadata?.uid } } });
    await waitUntil(
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
