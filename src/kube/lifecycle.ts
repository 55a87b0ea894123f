// How long an object has been in its state, from the timestamps the
// controllers themselves keep.
import type { Claim, Volume } from './types.js';
import { formatDuration, timeOf } from './time.js';

/**
 * "Released for 3h (since 2026-01-01T09:00:00Z)": status.lastPhaseTransitionTime,
 * which the PV controller sets on every phase change (GA in 1.31). Absent on
 * older objects and in hand-written manifests.
 */
export function phaseSince(volume: Volume, now: number): string | undefined {
  const at = volume.status?.lastPhaseTransitionTime as unknown as string | undefined;
  const t = timeOf(at);
  if (t === undefined) return undefined;
  return `${volume.status?.phase ?? 'in its phase'} for ${formatDuration(Math.max(0, now - t))} (since ${at})`;
}

/**
 * "unused for 2d (since …; NoPodsUsingPVC)": the claim's Unused condition,
 * which the PVC protection controller keeps from 1.37 (PersistentVolumeClaimUnusedSinceTime, beta).
 */
export function unusedSince(claim: Claim, now: number): string | undefined {
  const c = claim.status?.conditions?.find((x) => x.type === 'Unused');
  if (!c || c.status !== 'True') return undefined;
  const at = c.lastTransitionTime as unknown as string | undefined;
  const t = timeOf(at);
  const detail = [t !== undefined ? `since ${at}` : undefined, c.reason].filter((x) => !!x);
  return `unused${t !== undefined ? ` for ${formatDuration(Math.max(0, now - t))}` : ''}${detail.length > 0 ? ` (${detail.join('; ')})` : ''}`;
}
