// Mirrors the PV controller's matching rules so the audit can say exactly why
// a claim does not bind. Sources (k8s.io/component-helpers storage/volume):
// pv_helpers.go FindMatchingVolume, IsVolumeBoundToClaim, CheckVolumeModeMismatches;
// helpers.go GetPersistentVolumeClass / GetPersistentVolumeClaimClass;
// and pkg/controller/volume/persistentvolume/index.go findByClaim (access modes).
import type { Claim, StorageClass, Volume } from './types.js';
import { parseQuantity, formatBytes } from './quantity.js';
import { matchesLabelSelector } from './labels.js';
import { compareText } from './text-order.js';

export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

/** GetPersistentVolumeClaimClass: the beta annotation wins; nil and "" both mean "no class". */
export function claimClass(claim: Pick<Claim, 'metadata' | 'spec'>): string {
  const ann = claim.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (ann !== undefined) return ann;
  return claim.spec?.storageClassName ?? '';
}

/** PersistentVolumeClaimHasClass: only a nil class (and no annotation) can get the default class. */
export function claimHasClass(claim: Pick<Claim, 'metadata' | 'spec'>): boolean {
  return claim.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] !== undefined || claim.spec?.storageClassName != null;
}

export function volumeClass(volume: Volume): string {
  const ann = volume.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (ann !== undefined) return ann;
  return volume.spec?.storageClassName ?? '';
}

export function isDefaultClass(sc: StorageClass): boolean {
  return DEFAULT_CLASS_ANNOTATIONS.some((k) => sc.metadata?.annotations?.[k] === 'true');
}

/** GetDefaultClass (1.26+): with several defaults the newest wins, ties by name. */
export function defaultClass(classes: StorageClass[]): StorageClass | undefined {
  const defaults = classes.filter(isDefaultClass);
  defaults.sort((a, b) => {
    const ta = String(a.metadata?.creationTimestamp ?? '');
    const tb = String(b.metadata?.creationTimestamp ?? '');
    if (ta !== tb) return ta > tb ? -1 : 1;
    return compareText(a.metadata?.name ?? '', b.metadata?.name ?? '');
  });
  return defaults[0];
}

export function isWaitForFirstConsumer(sc: StorageClass | undefined): boolean {
  return sc?.volumeBindingMode === 'WaitForFirstConsumer';
}

export function requestOf(spec: Claim['spec']): number | undefined {
  return parseQuantity(spec?.resources?.requests?.['storage']);
}

export function capacityOf(volume: Volume): number | undefined {
  return parseQuantity(volume.spec?.capacity?.['storage']);
}

/** IsVolumeBoundToClaim: name and namespace equal, and the uid equal when the claimRef has one. */
export function isVolumeBoundToClaim(volume: Volume, claim: Claim): boolean {
  const ref = volume.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace) return false;
  if (ref.uid && ref.uid !== claim.metadata?.uid) return false;
  return true;
}

export function volumeModeOf(spec: { volumeMode?: string } | undefined): string {
  return spec?.volumeMode ?? 'Filesystem';
}

/** The claim's template-like requirements: enough for a claim that does not exist yet. */
export interface ClaimRequirements {
  namespace: string;
  name: string;
  uid?: string;
  className: string;
  accessModes: string[];
  request?: number;
  volumeMode: string;
  /** VolumeAttributesClass (GA in 1.34); '' when unset */
  volumeAttributesClassName: string;
  selector?: Claim['spec'] extends infer S ? (S extends { selector?: infer L } ? L : never) : never;
}

export function requirementsOf(claim: Claim): ClaimRequirements {
  return {
    namespace: claim.metadata?.namespace ?? '',
    name: claim.metadata?.name ?? '',
    uid: claim.metadata?.uid,
    className: claimClass(claim),
    accessModes: claim.spec?.accessModes ?? [],
    request: requestOf(claim.spec),
    volumeMode: volumeModeOf(claim.spec),
    volumeAttributesClassName: claim.spec?.volumeAttributesClassName ?? '',
    selector: claim.spec?.selector,
  };
}

/** The requirements of a claim a template will create (it does not exist yet): the template's spec, under the claim's name and class. */
export function requirementsOfTemplate(template: Pick<Claim, 'spec'>, claim: { namespace: string; name: string; className: string }): ClaimRequirements {
  return {
    ...claim,
    accessModes: template.spec?.accessModes ?? [],
    request: requestOf(template.spec),
    volumeMode: volumeModeOf(template.spec),
    volumeAttributesClassName: template.spec?.volumeAttributesClassName ?? '',
    selector: template.spec?.selector,
  };
}

/**
 * The requirements of claim namespace/name once a template creates it. Without
 * a class the default class applies at admission (DefaultStorageClass).
 */
export function requirementsOfNewClaim(
  template: Pick<Claim, 'metadata' | 'spec'>,
  claim: { namespace: string; name: string },
  classes: StorageClass[],
): ClaimRequirements {
  const className = claimHasClass(template) ? claimClass(template) : (defaultClass(classes)?.metadata?.name ?? '');
  return requirementsOfTemplate(template, { ...claim, className });
}

/** Why a PV's size does not do (a PV may state no capacity at all). */
function capacityReason(capacity: number | undefined, request: number): string {
  return capacity === undefined
    ? `it states no capacity, and the claim asks for ${formatBytes(request)}`
    : `capacity ${formatBytes(capacity)} is smaller than the request ${formatBytes(request)}`;
}

/**
 * The reasons a PV cannot satisfy what a claim asks for (capacity, access
 * modes, volumeMode, class), as checkVolumeSatisfyClaim and the access-mode
 * index judge them. Used for pre-bound pairs, where class is still compared
 * by prebind (a user asked for it) even though the binder skips it.
 */
export function satisfyReasons(volume: Volume, req: ClaimRequirements, opts: { compareClass: boolean }): string[] {
  const reasons: string[] = [];
  const capacity = capacityOf(volume);
  if (req.request !== undefined && (capacity === undefined || capacity < req.request)) {
    reasons.push(capacityReason(capacity, req.request));
  }
  const pvModes = volume.spec?.accessModes ?? [];
  const missing = req.accessModes.filter((m) => !pvModes.includes(m));
  if (missing.length > 0) {
    reasons.push(`access modes [${pvModes.join(',')}] lack ${missing.join(',')}`);
  }
  if (volumeModeOf(volume.spec) !== req.volumeMode) {
    reasons.push(`volumeMode ${volumeModeOf(volume.spec)} differs from the claim's ${req.volumeMode}`);
  }
  // FindMatchingVolume (component-helpers pv_helpers.go, 1.34+ with VolumeAttributesClass GA): the names must be equal, unset = "".
  const volumeVac = volume.spec?.volumeAttributesClassName ?? '';
  if (volumeVac !== req.volumeAttributesClassName) {
    reasons.push(`volumeAttributesClassName "${volumeVac}" differs from the claim's "${req.volumeAttributesClassName}"`);
  }
  if (opts.compareClass && volumeClass(volume) !== req.className) {
    reasons.push(`storageClassName "${volumeClass(volume)}" differs from the claim's "${req.className}"`);
  }
  return reasons;
}

/**
 * Why FindMatchingVolume (PV-controller path, node == nil) would not pick
 * this PV for the claim. Empty means it would match. Order follows the
 * function so the first reason is the one the binder hits first.
 */
export function mismatchReasons(volume: Volume, req: ClaimRequirements, delayBinding: boolean): string[] {
  const reasons: string[] = [];
  const ref = volume.spec?.claimRef;
  const preBound = !!ref && ref.name === req.name && ref.namespace === req.namespace && (!ref.uid || ref.uid === req.uid);
  if (ref && !preBound) {
    if (ref.name === req.name && ref.namespace === req.namespace) {
      reasons.push(`claimRef names this claim but holds uid ${ref.uid} of a deleted claim (stale claimRef)`);
    } else {
      reasons.push(`reserved for another claim ${ref.namespace ?? ''}/${ref.name ?? ''}`);
    }
  }
  const capacity = capacityOf(volume);
  if (req.request !== undefined && (capacity === undefined || capacity < req.request)) {
    reasons.push(capacityReason(capacity, req.request));
  }
  if (volumeModeOf(volume.spec) !== req.volumeMode) {
    reasons.push(`volumeMode ${volumeModeOf(volume.spec)} differs from the claim's ${req.volumeMode}`);
  }
  // FindMatchingVolume (component-helpers pv_helpers.go, 1.34+ with VolumeAttributesClass GA): the names must be equal, unset = "".
  const volumeVac = volume.spec?.volumeAttributesClassName ?? '';
  if (volumeVac !== req.volumeAttributesClassName) {
    reasons.push(`volumeAttributesClassName "${volumeVac}" differs from the claim's "${req.volumeAttributesClassName}"`);
  }
  if (volume.metadata?.deletionTimestamp) reasons.push('the volume is being deleted');
  const pvModes = volume.spec?.accessModes ?? [];
  const missing = req.accessModes.filter((m) => !pvModes.includes(m));
  if (missing.length > 0) reasons.push(`access modes [${pvModes.join(',')}] lack ${missing.join(',')}`);
  if (preBound) return reasons; // a pre-bound PV wins before phase, selector and class are checked
  if (delayBinding) {
    reasons.push('WaitForFirstConsumer: only the scheduler binds unbound volumes of this class');
  }
  const phase = volume.status?.phase;
  if (phase !== undefined && phase !== 'Available' && !ref) reasons.push(`phase is ${phase}, not Available`);
  if (req.selector && !matchesLabelSelector(req.selector, volume.metadata?.labels)) {
    reasons.push('labels do not match the claim selector');
  }
  if (volumeClass(volume) !== req.className) {
    reasons.push(`storageClassName "${volumeClass(volume)}" differs from the claim's "${req.className}"`);
  }
  return reasons;
}
