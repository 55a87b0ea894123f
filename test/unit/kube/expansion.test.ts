// A claim's expansion as it records it (core/v1): growing when it asks for
// more than status.capacity, in progress or infeasible by
// allocatedResourceStatuses (RecoverVolumeExpansionFailure), and the resize
// conditions that are True. resize refuses a claim mid-resize and PVC-010
// reports one stuck, so each state is pinned.
import { describe, expect, it } from 'vitest';
import { expansionState } from '../../../src/kube/expansion.js';
import type { Claim } from '../../../src/kube/types.js';

const claim = (request: string | undefined, status: Claim['status'] = {}): Claim => ({
  metadata: { name: 'data-db-0' },
  spec: request ? { resources: { requests: { storage: request } } } : {},
  status,
});

describe('expansionState', () => {
  it('is at rest when the request is what the volume has, or less, or either is unknown', () => {
    for (const c of [
      claim('1Gi', { capacity: { storage: '1Gi' } }),
      claim('1Gi', { capacity: { storage: '2Gi' } }),
      claim(undefined, { capacity: { storage: '1Gi' } }),
      claim('1Gi'),
    ])
      expect(expansionState(c)).toMatchObject({ midResize: false, infeasible: false, conditions: [] });
  });

  it('is mid-resize when it asks for more than it has', () => {
    expect(expansionState(claim('2Gi', { capacity: { storage: '1Gi' }, allocatedResources: { storage: '2Gi' } }))).toEqual({
      request: 2 ** 31,
      capacity: 2 ** 30,
      allocated: 2 ** 31,
      status: undefined,
      conditions: [],
      midResize: true,
      infeasible: false,
    });
  });

  it("reads the resizer's status: in progress or pending is mid-resize, infeasible is both", () => {
    for (const s of ['ControllerResizeInProgress', 'NodeResizePending', 'NodeResizeInProgress'])
      expect(expansionState(claim('1Gi', { capacity: { storage: '1Gi' }, allocatedResourceStatuses: { storage: s } }))).toMatchObject({
        status: s,
        midResize: true,
        infeasible: false,
      });
    for (const s of ['ControllerResizeInfeasible', 'NodeResizeInfeasible'])
      expect(expansionState(claim('2Gi', { capacity: { storage: '1Gi' }, allocatedResourceStatuses: { storage: s } }))).toMatchObject({
        status: s,
        midResize: true,
        infeasible: true,
      });
    // Infeasible with the request already lowered to what it has: nothing in progress, still marked.
    expect(expansionState(claim('1Gi', { capacity: { storage: '1Gi' }, allocatedResourceStatuses: { storage: 'NodeResizeInfeasible' } }))).toMatchObject({
      midResize: false,
      infeasible: true,
    });
    expect(expansionState(claim('1Gi', { capacity: { storage: '1Gi' }, allocatedResourceStatuses: { storage: 'SomethingNew' } }))).toMatchObject({
      midResize: false,
      infeasible: false,
    });
  });

  it('keeps the resize conditions that are True, with their message and time, and no other', () => {
    const state = expansionState(
      claim('1Gi', {
        capacity: { storage: '1Gi' },
        conditions: [
          { type: 'FileSystemResizePending', status: 'True', message: 'waiting for the kubelet', lastTransitionTime: '2026-01-01T11:00:00Z' as never },
          { type: 'Resizing', status: 'False' },
          { type: 'ModifyingVolume', status: 'True' },
          { type: 'NodeResizeError', status: 'True' },
        ],
      }),
    );
    expect(state.conditions).toEqual([
      { type: 'FileSystemResizePending', message: 'waiting for the kubelet', since: '2026-01-01T11:00:00Z' },
      { type: 'NodeResizeError', message: undefined, since: undefined },
    ]);
    expect(state.midResize).toBe(true);
  });
});
