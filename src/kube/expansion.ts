// Volume expansion as the claim records it: spec.resources.requests (what was
// asked), status.capacity (what the volume has), status.allocatedResources and
// allocatedResourceStatuses (what the resizer is working on, RecoverVolumeExpansionFailure,
// GA in 1.34), and the Resizing / FileSystemResizePending / ControllerResizeError /
// NodeResizeError conditions (core/v1 types.go).
import type { Claim, StorageClass } from './types.js';
import { parseQuantity } from './quantity.js';
import { requestOf } from './binding.js';

export const RESIZE_CONDITIONS = ['Resizing', 'FileSystemResizePending', 'ControllerResizeError', 'NodeResizeError'] as const;
const IN_PROGRESS = ['ControllerResizeInProgress', 'NodeResizePending', 'NodeResizeInProgress'];
export const INFEASIBLE = ['ControllerResizeInfeasible', 'NodeResizeInfeasible'];

export interface ExpansionState {
  request?: number;
  capacity?: number;
  allocated?: number;
  /** allocatedResourceStatuses.storage */
  status?: string;
  conditions: Array<{ type: string; message?: string; since?: string }>;
  /** asked for more than it has, or a resizer is at work */
  midResize: boolean;
  infeasible: boolean;
}

export function expansionState(claim: Claim): ExpansionState {
  const request = requestOf(claim.spec);
  const capacity = parseQuantity(claim.status?.capacity?.['storage']);
  const allocated = parseQuantity(claim.status?.allocatedResources?.['storage']);
  const status = claim.status?.allocatedResourceStatuses?.['storage'];
  const conditions = (claim.status?.conditions ?? [])
    .filter((c) => (RESIZE_CONDITIONS as readonly string[]).includes(c.type) && c.status === 'True')
    .map((c) => ({ type: c.type, message: c.message, since: c.lastTransitionTime as unknown as string | undefined }));
  const growing = request !== undefined && capacity !== undefined && request > capacity;
  const infeasible = status !== undefined && INFEASIBLE.includes(status);
  return {
    request,
    capacity,
    allocated,
    status,
    conditions,
    midResize: growing || (status !== undefined && IN_PROGRESS.includes(status)) || conditions.length > 0,
    infeasible,
  };
}

/** PersistentVolumeClaimResize admission: only a claim whose class exists and sets allowVolumeExpansion: true may grow. */
export function allowsExpansion(sc: StorageClass | undefined): boolean {
  return sc?.allowVolumeExpansion === true;
}

/** The text the admission plugin refuses a growing claim with (plugin/pkg/admission/storage/persistentvolume/resize). */
export const RESIZE_FORBIDDEN = 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize';
