// --snapshot: the repair waits for its snapshots, and does not run without them.
import { describe, expect, it } from 'vitest';
import { withSnapshotFirst } from '../../../src/fixes/snapshot-first.js';
import type { Plan, PlannedChange } from '../../../src/fixes/plan.js';
import { claimChange as change } from './claim-change.js';

const snapshotChange = change({
  steps: [
    { kind: 'create', path: '/apis/snapshot.storage.k8s.io/v1/namespaces/shop/volumesnapshots', body: {}, description: 'create' },
    { kind: 'wait-snapshot-ready', path: '/x', timeoutMs: 1000, description: 'wait' },
  ],
});
const grow = change({
  steps: [
    {
      kind: 'patch',
      path: '/api/v1/namespaces/shop/persistentvolumeclaims/data-db-0',
      patch: [
        { op: 'test', path: '/metadata/uid', value: 'c0' },
        { op: 'test', path: '/metadata/resourceVersion', value: '5' },
        { op: 'replace', path: '/spec/resources/requests/storage', value: '2Gi' },
      ],
      description: 'JSON patch',
    },
  ],
});
const plan = (changes: PlannedChange[], over: Partial<Plan> = {}): Plan & { warnings: string[] } => ({
  command: 'c',
  changes,
  refusals: [],
  warnings: [],
  ...over,
});

describe('withSnapshotFirst', () => {
  it('puts the snapshots first, makes the plan all or nothing, and pins a snapshotted claim to the fields the repair changes', () => {
    const waited = change({ steps: [...grow.steps, { kind: 'wait-snapshot-ready', path: '/y', timeoutMs: 1, description: 'w' }] });
    const out = withSnapshotFirst(plan([waited], { warnings: ['repair warning'] }), plan([snapshotChange], { warnings: ['snapshot warning'] }));
    expect(out.atomic).toBe(true);
    expect(out.headline).toBe('Plan: 1 VolumeSnapshot(s) first, each waited for until ready; then 1 object(s) to change');
    expect(out.warnings).toEqual(['snapshot warning', 'repair warning']);
    expect(out.changes[0]).toBe(snapshotChange);
    const [patch, wait] = out.changes[1]!.steps;
    expect(patch!.kind === 'patch' && patch!.patch).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'c0' },
      { op: 'test', path: '/spec/resources/requests/storage', value: '1Gi' },
      { op: 'replace', path: '/spec/resources/requests/storage', value: '2Gi' },
    ]);
    expect(patch!.description).toBe("JSON patch (pinned to the uid and the fields it changes: the snapshot-controller moves the claim's resourceVersion)");
    // a step that is not a patch is kept as it was
    expect(wait).toEqual(waited.steps[1]);
  });

  it('leaves alone what the snapshots do not concern: a repair with nothing to do, another object, a step without a resourceVersion test', () => {
    const idle = plan([]);
    expect(withSnapshotFirst(idle, plan([snapshotChange]))).toBe(idle);
    const other = change({ target: { kind: 'PersistentVolume', name: 'pv', uid: 'pv-1', resourceVersion: '1' }, steps: grow.steps });
    const bySpec = change({
      steps: [
        {
          kind: 'patch',
          path: '/x',
          patch: [
            { op: 'test', path: '/metadata/uid', value: 'c0' },
            { op: 'test', path: '/metadata/generation', value: 2 },
          ],
          description: 'd',
        },
      ],
    });
    const out = withSnapshotFirst(plan([other, bySpec]), plan([snapshotChange]));
    expect(out.changes[1]).toBe(other);
    expect(out.changes[2]!.steps).toEqual(bySpec.steps);
    expect(withSnapshotFirst(plan([grow]), plan([])).warnings).toContain('--snapshot: the set has no claim to snapshot, so nothing will be changed');
  });

  it('changes nothing when the snapshots cannot be taken, and takes none for a repair that is refused', () => {
    const refusedSnapshots = withSnapshotFirst(
      plan([grow]),
      plan([], { refusals: [{ target: { kind: 'PersistentVolumeClaim', name: 'data-db-0' }, reasons: ['no class'] }] }),
    );
    expect(refusedSnapshots.changes).toEqual([]);
    expect(refusedSnapshots.refusals.map((r) => r.reasons[0])).toEqual(['no class']);
    expect(refusedSnapshots.warnings).toContain('--snapshot: the snapshot set cannot be taken (above), so nothing will be changed');

    // One claim refused, another planned: the set is not snapshotted whole, so the repair does not run.
    const partly = withSnapshotFirst(
      plan([grow]),
      plan([snapshotChange], { refusals: [{ target: { kind: 'PersistentVolumeClaim', name: 'data-db-1' }, reasons: ['not Bound'] }] }),
    );
    expect(partly.changes).toEqual([]);
    expect(partly.refusals.map((r) => r.reasons[0])).toEqual(['not Bound']);
    // A noop refusal of the snapshots (nothing to do there) does not stop the repair.
    expect(
      withSnapshotFirst(plan([grow]), plan([snapshotChange], { refusals: [{ target: { kind: 'X', name: 'y' }, reasons: ['n'], noop: true }] })).changes,
    ).toHaveLength(2);

    const refusedRepair = plan([], { refusals: [{ target: { kind: 'StatefulSet', name: 'db' }, reasons: ['owner reverts it'] }] });
    expect(withSnapshotFirst(refusedRepair, plan([snapshotChange]))).toBe(refusedRepair);
    // A repair refused in part (not all or nothing) is not run with snapshots either; one with only a noop refusal is.
    const partlyRefused = plan([grow], { refusals: [{ target: { kind: 'PersistentVolumeClaim', name: 'data-db-1' }, reasons: ['shrink'] }] });
    expect(withSnapshotFirst(partlyRefused, plan([snapshotChange]))).toBe(partlyRefused);
    const partlyDone = plan([grow], { refusals: [{ target: { kind: 'PersistentVolumeClaim', name: 'data-db-1' }, reasons: ['already 2Gi'], noop: true }] });
    expect(withSnapshotFirst(partlyDone, plan([snapshotChange])).changes).toHaveLength(2);
  });
});
