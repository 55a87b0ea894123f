// A repair is planned first (pure: objects in, plan out) and applied by
// apply-plan.ts, the only module that writes to the cluster.
import type { KubeObject, ObjectRef } from '../kube/types.js';
import type { ManagedFieldsEntry } from '../kube/owner-marks.js';
import type { NextStep } from '../analysis/owner-steps.js';

export type { ManagedFieldsEntry } from '../kube/owner-marks.js';

export type JsonPatchOp =
  { op: 'test'; path: string; value: unknown } | { op: 'remove'; path: string } | { op: 'add' | 'replace'; path: string; value: unknown };

/** The RBAC a step needs, checked with SelfSubjectAccessReview before any write. */
export interface Permission {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
}

export type Step =
  | { kind: 'patch'; path: string; patch: JsonPatchOp[]; description: string }
  | { kind: 'delete-orphan'; path: string; uid: string; generation: number; description: string }
  | { kind: 'create'; path: string; body: KubeObject; description: string }
  | { kind: 'wait-adoption'; namespace: string; name: string; description: string; rollPods: string[] }
  /** after the set's patch to whenDeleted: Retain: wait until its controller has synced it as patched, then free its claims */
  | { kind: 'release-claims'; namespace: string; ownerPath: string; ownerUid: string; description: string }
  /** the owner re-creates the set: wait for a new uid under its controller, at the new template size, with its pods adopted */
  | { kind: 'wait-recreated'; namespace: string; name: string; oldUid: string; controllerUid: string; template: string; size: string; description: string }
  /** after a VolumeSnapshot's create: wait until it is readyToUse, so nothing later in the plan runs before the data is safe */
  | { kind: 'wait-snapshot-ready'; path: string; timeoutMs: number; description: string }
  /** after a create: managedFields as the deleted object had them, so each field is back with its manager */
  | { kind: 'hand-back-fields'; path: string; managedFields: ManagedFieldsEntry[]; description: string };

/** One object changed by one atomic request (or, for generate-template, a fixed sequence). */
export interface PlannedChange {
  target: ObjectRef & { uid: string; resourceVersion: string };
  summary: string;
  before: KubeObject;
  after: KubeObject;
  steps: Step[];
  permissions: Permission[];
  warnings: string[];
  notes: string[];
  /** the JSON pointers this repair changes: what `undo` restores and checks */
  owned: string[];
  /** the repair deletes the object and creates a new one (generate-template --apply) */
  replaces?: boolean;
  /** why undo cannot put it back (a claim cannot shrink): undo says so instead of trying */
  irreversible?: string;
  /** for a kind outside the tool's table (an operator's resource): its URL and RBAC resource, for undo */
  objectUrl?: string;
  rbac?: { group: string; resource: string };
}

export interface Refusal {
  target: ObjectRef;
  reasons: string[];
  /** nothing to do (already in the wanted state): reported, not an error */
  noop?: boolean;
}

export interface Plan {
  /** the command line, for the backup manifest */
  command: string;
  /** the plan's first line, when "N object(s) to change" would mislead (snapshot changes no object: it creates new ones) */
  headline?: string;
  changes: PlannedChange[];
  refusals: Refusal[];
  /** about the plan as a whole: what it cannot change, what other flags would do */
  warnings?: string[];
  /** who owns the object the repair writes ("Helm release r in shop (…)") */
  owner?: string;
  /** what the owner must change to stay in step: printed with the plan and again after it is applied */
  nextSteps?: NextStep[];
  /**
   * All or nothing: every change is validated by a server dry run before the
   * first write, and the first failure leaves the rest untouched (resize,
   * restore: half of a set changed is worse than none).
   */
  atomic?: boolean;
}

/**
 * An atomic plan that refuses any part changes nothing: its changes are
 * dropped before anything is applied, and a warning says how many were ready.
 */
export function dropChangesIfRefused(plan: Plan & { warnings: string[] }, why: (planned: number) => string): void {
  if (!plan.refusals.some((r) => !r.noop) || plan.changes.length === 0) return;
  plan.warnings.push(why(plan.changes.length));
  plan.changes = [];
}

/** RFC 6901: "~" and "/" in a key. */
export function pointer(...segments: Array<string | number>): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/**
 * Set one annotation in a planned patch and in the planned object; returns the
 * pointer the change owns (for undo). A missing annotations map is added whole.
 */
export function annotate(before: KubeObject, after: KubeObject, patch: JsonPatchOp[], key: string, value: string): string {
  if (before.metadata?.annotations) patch.push({ op: 'add', path: pointer('metadata', 'annotations', key), value });
  else patch.push({ op: 'add', path: pointer('metadata', 'annotations'), value: { [key]: value } });
  after.metadata = { ...after.metadata, annotations: { ...after.metadata?.annotations, [key]: value } };
  return pointer('metadata', 'annotations', key);
}

/** Every write is conditional on the object being exactly what was planned against. */
export function preconditions(object: KubeObject): JsonPatchOp[] {
  return [
    { op: 'test', path: '/metadata/uid', value: object.metadata?.uid },
    { op: 'test', path: '/metadata/resourceVersion', value: object.metadata?.resourceVersion },
  ];
}

/**
 * For a StatefulSet: the same object with the same spec. Its controller
 * writes status all the time, which moves resourceVersion but not
 * metadata.generation (bumped only by spec changes), so a resourceVersion
 * test would fail at random while nothing we depend on changed.
 */
export function specPreconditions(object: KubeObject): JsonPatchOp[] {
  return [
    { op: 'test', path: '/metadata/uid', value: object.metadata?.uid },
    { op: 'test', path: '/metadata/generation', value: object.metadata?.generation },
  ];
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

export function targetOf(kind: string, object: KubeObject): PlannedChange['target'] {
  const t: PlannedChange['target'] = {
    kind,
    name: object.metadata?.name ?? '',
    uid: object.metadata?.uid ?? '',
    resourceVersion: object.metadata?.resourceVersion ?? '',
  };
  if (object.metadata?.namespace) t.namespace = object.metadata.namespace;
  return t;
}

export function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * A pointer segment that selects the array element whose field has a value
 * ("[key=node.kubernetes.io/out-of-service]" in /spec/taints): what a repair
 * owns in a list others change too. Only this tool reads it; patches get the
 * element's index (concretePointer).
 */
export function keyed(field: string, value: string): string {
  return `[${field}=${value}]`;
}

function selector(segment: string): { field: string; value: string } | undefined {
  const m = /^\[([^=\]]+)=(.*)\]$/.exec(segment);
  return m ? { field: m[1]!, value: m[2]! } : undefined;
}

function indexOf(list: unknown[], sel: { field: string; value: string }): number {
  return list.findIndex((e) => e !== null && typeof e === 'object' && (e as Record<string, unknown>)[sel.field] === sel.value);
}

/** The value at a JSON pointer (keyed segments included), or undefined. */
export function valueAt(object: unknown, ptr: string): unknown {
  let current: unknown = object;
  for (const raw of ptr.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    const segment = unescapePointer(raw);
    const sel = selector(segment);
    current = sel && Array.isArray(current) ? current[indexOf(current, sel)] : (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** The RFC 6901 pointer of the same place, keyed segments turned into indexes; undefined when an element is missing. */
export function concretePointer(object: unknown, ptr: string): string | undefined {
  let current: unknown = object;
  const out: Array<string | number> = [];
  for (const raw of ptr.split('/').slice(1)) {
    const segment = unescapePointer(raw);
    const sel = selector(segment);
    if (sel) {
      if (!Array.isArray(current)) return undefined;
      const i = indexOf(current, sel);
      if (i < 0) return undefined;
      out.push(i);
      current = current[i];
    } else {
      out.push(segment);
      current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[segment] : undefined;
    }
  }
  return pointer(...out);
}

/** Whether the pointer's last segment selects an array element by a field. */
export function isKeyed(ptr: string): boolean {
  return selector(unescapePointer(ptr.slice(ptr.lastIndexOf('/') + 1))) !== undefined;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
