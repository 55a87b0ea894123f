// `resize --wait`: what the wait waits for, said as it happens. Each claim's
// state is printed when it changes (asks, has, allocated, the resizer's
// status, the kubelet's conditions), with the claim's own events as they
// arrive (ExternalExpanding, VolumeResizeFailed, FileSystemResizeRequired…),
// and a claim that no resizer acts on is named at the end with what to do.
import type { Claim, KubeEvent, StatefulSet } from '../kube/types.js';
import type { ReadClient } from '../kube/read-client.js';
import { claimsOfTemplate } from '../fixes/resize.js';
import { collectionPath } from '../kube/resources.js';
import { expansionState } from '../kube/expansion.js';
import { formatBytes } from '../kube/quantity.js';
import { say as sayOn, startSpinner, type IO } from './io.js';

export type WaitOutcome = 'done' | 'in-progress' | 'timed-out';

/** The events of a claim's expansion, from the volume-expand controller, the external resizer and the kubelet. */
const RESIZE_EVENTS = new Set([
  'ExternalExpanding',
  'Resizing',
  'VolumeResizeFailed',
  'VolumeResizeSuccessful',
  'FileSystemResizeRequired',
  'FileSystemResizeSuccessful',
  'FileSystemResizeFailed',
]);

/** One line per claim: what it asks, what it has, and what the resizer and kubelet say. */
export function progressLine(claim: Claim): string {
  const s = expansionState(claim);
  const parts = [`asks ${formatBytes(s.request)}`, `has ${formatBytes(s.capacity)}`];
  if (s.allocated !== undefined) parts.push(`allocated ${formatBytes(s.allocated)}`);
  if (s.status) parts.push(s.status);
  for (const c of s.conditions) parts.push(c.type);
  const done = s.request !== undefined && s.capacity !== undefined && s.capacity >= s.request;
  return `  ${claim.metadata?.name}: ${done ? 'done' : 'resizing'} (${parts.join(', ')})`;
}

export interface WaitOptions {
  /** undefined: report once, do not wait */
  waitMs?: number;
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export async function waitForExpansion(
  client: ReadClient,
  sts: StatefulSet,
  template: string,
  size: number,
  io: IO,
  opts: WaitOptions = {},
): Promise<WaitOutcome> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const ns = sts.metadata?.namespace;
  const say = (text: string) => sayOn(io.stdout, io, text, '      ');
  const deadline = now() + (opts.waitMs ?? 0);
  const lastLine = new Map<string, string>();
  const seenEvents = new Set<string>();
  const spinner =
    opts.waitMs === undefined ? undefined : await startSpinner(io, `waiting for the claims of ${sts.metadata?.name} to reach ${formatBytes(size)}…`);
  try {
    for (;;) {
      const claims = claimsOfTemplate(sts, template, await client.list<Claim>(collectionPath('v1', 'persistentvolumeclaims', ns)));
      const pending = claims.filter((c) => (expansionState(c).capacity ?? 0) < size);
      if (opts.waitMs === undefined) {
        say(`Expansion ${pending.length === 0 ? 'complete' : 'in progress'}:`);
        for (const c of claims) say(progressLine(c));
        if (pending.length > 0)
          say(`Follow it (nothing left to change, it only waits): kubectl sts-storage resize ${sts.metadata?.name} -n ${ns} --to ${formatBytes(size)} --wait`);
        return pending.length === 0 ? 'done' : 'in-progress';
      }
      const events = await client.list<KubeEvent>(collectionPath('v1', 'events', ns), { fieldSelector: 'involvedObject.kind=PersistentVolumeClaim' });
      spinner!.around(() => {
        for (const c of claims) {
          const line = progressLine(c);
          if (lastLine.get(c.metadata?.name ?? '') !== line) say(line);
          lastLine.set(c.metadata?.name ?? '', line);
        }
        for (const e of events) {
          const key = `${e.metadata?.uid}/${e.count ?? 1}`;
          if (!RESIZE_EVENTS.has(e.reason ?? '') || seenEvents.has(key) || !claims.some((c) => c.metadata?.name === e.involvedObject?.name)) continue;
          seenEvents.add(key);
          say(`  ${e.involvedObject?.name}: event ${e.reason}: ${e.message ?? ''}`);
        }
      });
      spinner!.update(`waiting for ${pending.length} of ${claims.length} claim(s) to reach ${formatBytes(size)}…`);
      if (pending.length === 0) {
        spinner!.stop();
        say('Expansion complete.');
        return 'done';
      }
      if (now() >= deadline) {
        spinner!.stop();
        say(`The changes were applied, but ${pending.length} claim(s) did not reach ${formatBytes(size)} before --timeout:`);
        for (const c of pending) say(stuckAdvice(c, events));
        return 'timed-out';
      }
      await sleep(opts.pollMs ?? 2000);
    }
  } finally {
    spinner?.stop();
  }
}

/** What a claim still waiting needs: a resizer that never acted, a kubelet, or patience. */
function stuckAdvice(claim: Claim, events: KubeEvent[]): string {
  const name = claim.metadata?.name ?? '';
  const s = expansionState(claim);
  const own = events.filter((e) => e.involvedObject?.name === name);
  const handedOver = own.some((e) => e.reason === 'ExternalExpanding');
  if (s.infeasible)
    return `  ${name}: the resizer says ${s.status}: lower the request again with kubectl sts-storage recover-expansion ${name} -n ${claim.metadata?.namespace} --to ${formatBytes(s.capacity)}…`;
  if (handedOver && s.status === undefined && s.conditions.length === 0)
    return `  ${name}: no resizer acts on it (handed to an external resizer, which recorded nothing): run the CSI driver's external-resizer sidecar, or lower the request with kubectl sts-storage recover-expansion ${name} -n ${claim.metadata?.namespace} --to SIZE (above ${formatBytes(s.capacity)})`;
  if (s.conditions.some((c) => c.type === 'FileSystemResizePending'))
    return `  ${name}: the volume grew; the file system grows when a pod mounts the claim (FileSystemResizePending)`;
  return `  ${name}: still resizing (${s.status ?? 'no status yet'}): wait longer, or follow it with resize --wait`;
}
