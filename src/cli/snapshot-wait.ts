// `snapshot --wait`: follows each VolumeSnapshot of a set until it is
// readyToUse, printing a line when one changes (bound to its content, ready
// with its restoreSize, failed with the controller's error).
import type { VolumeSnapshot } from '../kube/types.js';
import type { ReadClient } from '../kube/read-client.js';
import { collectionPath } from '../kube/resources.js';
import { SNAPSHOT_API_VERSION } from '../kube/volume-snapshot.js';
import { say as sayOn, startSpinner, type IO } from './io.js';

export type SnapshotWaitOutcome = 'ready' | 'failed' | 'timed-out';

export interface SnapshotWaitOptions {
  waitMs: number;
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function snapshotProgress(vs: VolumeSnapshot | undefined, name: string): string {
  if (!vs) return `  ${name}: not found`;
  const s = vs.status;
  if (s?.readyToUse) return `  ${name}: ready${s.restoreSize ? ` (restoreSize ${s.restoreSize})` : ''}`;
  if (s?.error?.message) return `  ${name}: failed: ${s.error.message}`;
  if (s?.boundVolumeSnapshotContentName) return `  ${name}: being cut (content ${s.boundVolumeSnapshotContentName})`;
  return `  ${name}: waiting for the snapshot-controller${s ? '' : ' (no status yet)'}`;
}

export async function waitForSnapshots(
  client: ReadClient,
  namespace: string,
  names: string[],
  io: IO,
  opts: SnapshotWaitOptions,
): Promise<SnapshotWaitOutcome> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const say = (text: string) => sayOn(io.stdout, io, text, '      ');
  const deadline = now() + opts.waitMs;
  const last = new Map<string, string>();
  const spinner = await startSpinner(io, `waiting for ${names.length} snapshot(s) to be ready to use…`);
  try {
    for (;;) {
      const listed = await client.list<VolumeSnapshot>(collectionPath(SNAPSHOT_API_VERSION, 'volumesnapshots', namespace));
      const byName = new Map(listed.map((v) => [v.metadata?.name ?? '', v]));
      spinner.around(() => {
        for (const name of names) {
          const line = snapshotProgress(byName.get(name), name);
          if (last.get(name) !== line) say(line);
          last.set(name, line);
        }
      });
      const states = names.map((n) => byName.get(n)?.status);
      if (states.every((s) => s?.readyToUse)) return 'ready';
      // A failed snapshot is not retried once its source is wrong: stop rather than wait out the timeout.
      if (states.some((s) => !s?.readyToUse && s?.error?.message)) return 'failed';
      if (now() >= deadline) return 'timed-out';
      await sleep(opts.pollMs ?? 2000);
    }
  } finally {
    spinner.stop();
  }
}
