// The one way this tool re-creates a StatefulSet, for every repair that
// changes an immutable field (resize, generate-template --apply) and for
// undo: back up, make sure no claim can be collected with it, delete with
// propagationPolicy Orphan (pods and claims stay; the garbage collector only
// removes their ownerReferences), create it again, hand each field back to
// the manager that owned it, and wait until the controller has adopted the
// pods. The new object is the old one but for what the repair changes: every
// label, annotation, ownerReference and finalizer stays, and
// kubectl.kubernetes.io/last-applied-configuration, when present, gets the
// same change (else the next `kubectl apply` would compute its patch from a
// template that no longer exists).
import type { StatefulSet } from '../kube/types.js';
import { collectionPath, objectPath } from '../kube/resources.js';
import { LAST_APPLIED, managedFieldsOf } from '../kube/owner-marks.js';

export { LAST_APPLIED } from '../kube/owner-marks.js';
import { clone, specPreconditions, targetOf, type ManagedFieldsEntry, type Permission, type PlannedChange, type Refusal, type Step } from './plan.js';

/** A change to a StatefulSet (or to the last-applied copy of one): applied in place. */
export type SetChange = (set: StatefulSet) => void;

// Fields the API server sets; a create must not carry them.
const SERVER_FIELDS = [
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'generation',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

/** The object without what the API server owns (status, uid, managedFields…): what a create may send. */
export function withoutServerFields(sts: StatefulSet): StatefulSet {
  const out = clone(sts);
  delete out.status;
  if (out.metadata) for (const k of SERVER_FIELDS) delete (out.metadata as Record<string, unknown>)[k];
  out.apiVersion = 'apps/v1';
  out.kind = 'StatefulSet';
  return out;
}

/**
 * The object to create in place of `sts`: everything it had, changed by
 * `change`, including its last-applied-configuration (kept as kubectl writes
 * it: compact JSON and a trailing newline). A copy kubectl cannot read is kept
 * as it was, and said.
 */
export function recreatedObject(sts: StatefulSet, change: SetChange): { object: StatefulSet; warnings: string[] } {
  const object = withoutServerFields(sts);
  change(object);
  const warnings: string[] = [];
  const lastApplied = object.metadata?.annotations?.[LAST_APPLIED];
  if (lastApplied !== undefined) {
    try {
      const applied = JSON.parse(lastApplied) as StatefulSet;
      change(applied);
      object.metadata!.annotations![LAST_APPLIED] = JSON.stringify(applied) + '\n';
    } catch {
      warnings.push(`its ${LAST_APPLIED} annotation is not JSON: it is kept unchanged, so the next kubectl apply computes its patch from the old template`);
    }
  }
  return { object, warnings };
}

/** managedFields as the API server returns them: who set which field. */
export function managersOf(sts: StatefulSet): ManagedFieldsEntry[] {
  return managedFieldsOf(sts).map((e) => clone(e));
}

/**
 * Before an orphaning delete of a set whose policy is whenDeleted: Delete
 * (its claims then carry an ownerReference to it): switch to Retain, and
 * remove the references. The controller drops them only as it syncs each pod
 * (there may be none), and the garbage collector orphans only the dependents
 * its graph already knows: a claim whose reference it has not seen yet would
 * be collected once the set is gone.
 */
export function keepClaimsThroughDelete(sts: StatefulSet): { steps: Step[]; permissions: Permission[]; warnings: string[] } {
  if (sts.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted !== 'Delete') return { steps: [], permissions: [], warnings: [] };
  const ns = sts.metadata?.namespace ?? '';
  return {
    steps: [
      {
        kind: 'patch',
        path: objectPath('StatefulSet', sts.metadata?.name ?? '', ns),
        patch: [...specPreconditions(sts), { op: 'replace', path: '/spec/persistentVolumeClaimRetentionPolicy/whenDeleted', value: 'Retain' }],
        description: 'set persistentVolumeClaimRetentionPolicy.whenDeleted to Retain so no claim can be deleted with the StatefulSet',
      },
      {
        kind: 'release-claims',
        namespace: ns,
        ownerPath: objectPath('StatefulSet', sts.metadata?.name ?? '', ns),
        ownerUid: sts.metadata?.uid ?? '',
        description:
          "once the StatefulSet controller has synced the set as patched, remove the set's ownerReference from its claims (JSON patch, uid-checked), so no claim can be collected with it",
      },
    ],
    permissions: [
      { verb: 'patch', group: 'apps', resource: 'statefulsets', namespace: ns },
      { verb: 'list', group: '', resource: 'persistentvolumeclaims', namespace: ns },
      { verb: 'patch', group: '', resource: 'persistentvolumeclaims', namespace: ns },
    ],
    warnings: ['persistentVolumeClaimRetentionPolicy.whenDeleted is Delete: it is switched to Retain before the delete and restored on the new StatefulSet'],
  };
}

export interface RecreateOptions {
  summary: string;
  createDescription: string;
  /** pods to delete one at a time once adopted (pod volumes are immutable) */
  rollPods: string[];
  notes: string[];
  /** the JSON pointers the repair changes: what undo restores */
  owned: string[];
}

/**
 * The orphan-delete-and-create change. apply-plan validates the create by a
 * server dry run before the delete, deletes only while uid and spec generation
 * are as planned, and reports a name taken by another writer as such.
 */
export function planRecreate(sts: StatefulSet, change: SetChange, opts: RecreateOptions): PlannedChange | Refusal {
  const name = sts.metadata?.name ?? '';
  const ns = sts.metadata?.namespace;
  const refusal = (...reasons: string[]): Refusal => ({ target: { kind: 'StatefulSet', namespace: ns, name }, reasons });
  if (sts.metadata?.deletionTimestamp) return refusal('it is being deleted');
  if ((sts.metadata?.finalizers ?? []).length > 0)
    return refusal(`it has finalizers (${sts.metadata!.finalizers!.join(', ')}): another controller manages its deletion`);
  const { object, warnings } = recreatedObject(sts, change);
  const keep = keepClaimsThroughDelete(sts);
  const managers = managersOf(sts);
  const steps: Step[] = [
    ...keep.steps,
    {
      kind: 'delete-orphan',
      path: objectPath('StatefulSet', name, ns),
      uid: sts.metadata?.uid ?? '',
      generation: sts.metadata?.generation ?? 0,
      description: 'delete with propagationPolicy: Orphan, only if uid and spec generation are still as planned (pods and claims stay)',
    },
    { kind: 'create', path: collectionPath('apps/v1', 'statefulsets', ns), body: object, description: opts.createDescription },
  ];
  if (managers.length > 0)
    steps.push({
      kind: 'hand-back-fields',
      path: objectPath('StatefulSet', name, ns),
      managedFields: managers,
      description: `hand each field back to the manager that owned it (${[...new Set(managers.filter((m) => !m.subresource).map((m) => m.manager ?? '?'))].join(', ')}), so their next apply does not conflict with this tool`,
    });
  steps.push({
    kind: 'wait-adoption',
    namespace: ns ?? '',
    name,
    rollPods: opts.rollPods,
    description: opts.rollPods.length
      ? `wait for the pods to be adopted, then delete ${opts.rollPods.join(', ')} one at a time (highest ordinal first)`
      : 'wait until the controller has seen the new StatefulSet and adopted its pods',
  });
  const after = clone(sts);
  change(after);
  return {
    target: targetOf('StatefulSet', sts),
    summary: opts.summary,
    before: sts,
    after,
    steps,
    permissions: [
      { verb: 'get', group: 'apps', resource: 'statefulsets', namespace: ns },
      { verb: 'delete', group: 'apps', resource: 'statefulsets', namespace: ns },
      { verb: 'create', group: 'apps', resource: 'statefulsets', namespace: ns },
      ...(managers.length > 0 ? [{ verb: 'patch', group: 'apps', resource: 'statefulsets', namespace: ns }] : []),
      ...keep.permissions,
      ...(opts.rollPods.length ? [{ verb: 'delete', group: '', resource: 'pods', namespace: ns }] : []),
    ],
    warnings: [...keep.warnings, ...warnings],
    owned: opts.owned,
    replaces: true,
    notes: opts.notes,
  };
}
