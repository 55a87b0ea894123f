// `snapshots STS`: a set's snapshot sets, newest first, each with whether
// it covers every claim and how far apart its snapshots were taken.
import Table from 'cli-table3';
import { BORDERLESS } from './borderless.js';
import type { Paint } from './colors.js';
import type { SnapshotSet } from '../analysis/snapshot-sets.js';
import { formatDuration } from '../kube/time.js';
import { wrapText } from './text.js';

function setHeading(set: SnapshotSet): string {
  const ready = set.rows.filter((r) => r.ready).length;
  const parts = [`${ready} of ${set.rows.length} ready`];
  parts.push(set.complete ? 'covers every claim of the set' : 'does not cover every claim of the set');
  if (set.spreadMs !== undefined) parts.push(`taken within ${formatDuration(set.spreadMs)}`);
  if (set.earlierSet) parts.push('taken of an earlier StatefulSet of this name');
  return `${set.id ? `Snapshot set ${set.id}` : `Snapshot ${set.rows[0]?.snapshot} (not part of a set)`}: ${parts.join(', ')}`;
}

export function renderSnapshotSets(sets: SnapshotSet[], statefulSet: string, now: number, paint: Paint, width?: number): string {
  if (sets.length === 0) return `No VolumeSnapshot of statefulset ${statefulSet}'s claims.\n`;
  const out: string[] = [];
  for (const set of sets) {
    out.push(...wrapText(paint('bold', setHeading(set)), width));
    const table = new Table({
      head: ['CLAIM', 'SNAPSHOT', 'READY', 'SIZE', 'AGE'],
      style: { head: [], border: [], compact: true, 'padding-left': 2, 'padding-right': 0 },
      chars: BORDERLESS,
    });
    for (const r of set.rows) {
      const ready = r.ready ? 'true' : r.error ? paint('red', 'failed') : 'false';
      const age = r.takenAt ? formatDuration(Math.max(0, now - Date.parse(r.takenAt))) : '-';
      table.push([r.claim, r.snapshot, ready, r.restoreSize ?? '-', age]);
    }
    out.push(
      ...table
        .toString()
        .split('\n')
        .map((l) => l.trimEnd()),
    );
    for (const r of set.rows.filter((x) => x.error)) out.push(...wrapText(`  ${r.snapshot}: ${r.error}`, width, '    '));
    out.push('');
  }
  return out.join('\n');
}
