// resize for a set that prometheus-operator creates from a Prometheus (or an
// Alertmanager, ThanosRuler, PrometheusAgent). The operator does not resize
// by itself, and re-creates a set whose template it did not write with
// foreground deletion (every pod: pkg/k8s/statefulset.go ForceUpdateStatefulSet),
// so the set is never re-created by this tool. Instead, the procedure of its
// docs (Documentation/platform/storage.md, "Resizing volumes"), driven here:
//   1. pause the resource and set the new size in it (one patch);
//   2. grow each claim (as resize does);
//   3. orphan-delete the set (pods and claims stay);
//   4. un-pause the resource, and wait until the operator has created the set
//      again, owned by the resource, at the new size, and adopted the pods.
// All or nothing like resize: every change is dry-run by the server before the
// first write.
import type { Claim, StatefulSet } from '../kube/types.js';
import type { Owner } from '../analysis/owner.js';
import type { ControllerResource } from '../snapshot/owners/owner-records.js';
import { collectionPath, objectPath } from '../kube/resources.js';
import { formatBytes } from '../kube/quantity.js';
import { requestOf } from '../kube/binding.js';
import { keepClaimsThroughDelete } from './recreate.js';
import { clone, dropChangesIfRefused, specPreconditions, valueAt, type Plan, type PlannedChange } from './plan.js';
import { planResize, type ResizeInput } from './resize.js';

type OperatorOwner = Extract<Owner, { type: 'operator' }>;

/** Whether resize can go through this owner: a known procedure and the resource read. */
export function resizesThroughOwner(owner: Owner): owner is OperatorOwner & { resource: ControllerResource } {
  return owner.type === 'operator' && !!owner.operator?.procedure && !!owner.resource;
}

export function planResizeThroughOwner(
  input: ResizeInput,
  owner: OperatorOwner & { resource: ControllerResource },
  command: string,
): Plan & { warnings: string[] } {
  // The claims, quota and limits exactly as resize judges them; the set's own change is replaced below.
  const plan = planResize(input, command);
  const { sts, template, size } = input;
  const resource = owner.resource;
  const procedure = owner.operator!.procedure!;
  const url = `${collectionPath(resource.apiVersion, resource.resource, resource.metadata.namespace)}/${encodeURIComponent(resource.metadata.name)}`;
  const group = resource.apiVersion.slice(0, resource.apiVersion.indexOf('/'));
  const label = `${resource.kind} ${resource.metadata.namespace}/${resource.metadata.name}`;
  const target = { kind: resource.kind, namespace: resource.metadata.namespace, name: resource.metadata.name };
  const claimChanges = plan.changes.filter((c) => c.target.kind === 'PersistentVolumeClaim');
  plan.owner = `${label} (${owner.operator!.operator})`;
  const current = valueAt(resource, procedure.sizePointer);
  if (resource.spec?.['paused'] === true)
    plan.refusals.push({
      target,
      reasons: [
        `${label} is paused (spec.paused: true): the procedure ends by un-pausing it, which this tool will not decide for you; un-pause it first, or change ${owner.operator!.sizeField} by hand`,
      ],
    });
  if (current === undefined)
    plan.refusals.push({ target, reasons: [`${label} has no ${owner.operator!.sizeField}: its set's claim template is not the operator's storage template`] });
  if (plan.refusals.some((r) => !r.noop)) {
    // The claims resize would have grown are not grown either; say so, as resize does.
    plan.changes = claimChanges;
    dropChangesIfRefused(plan, (planned) => `nothing is changed while any part is refused (${planned} other change(s) planned)`);
    return plan;
  }
  const resourceChange: PlannedChange = {
    target: { ...target, uid: resource.metadata.uid, resourceVersion: resource.metadata.resourceVersion ?? '' },
    summary: `pause ${label} and set ${owner.operator!.sizeField} to ${size} (was ${String(current)})`,
    before: resource,
    after: (() => {
      const after = clone(resource) as ControllerResource & { spec: Record<string, unknown> };
      after.spec = { ...after.spec, paused: true };
      setStorage(after, procedure.sizePointer, size);
      return after;
    })(),
    steps: [
      {
        kind: 'patch',
        path: url,
        // Its status moves all the time: uid and spec generation say the spec is as planned.
        patch: [
          ...specPreconditions(resource),
          { op: 'add', path: procedure.pausePointer, value: true },
          { op: 'replace', path: procedure.sizePointer, value: size },
        ],
        description: `JSON patch: spec.paused true (the operator stops reconciling), then the new size`,
      },
    ],
    permissions: [{ verb: 'patch', group, resource: resource.resource, namespace: resource.metadata.namespace }],
    warnings: [],
    notes: [`${owner.operator!.operator} does not grow claims itself: its documented procedure is pause, resize the claims, orphan-delete the set, un-pause`],
    owned: [procedure.sizePointer, procedure.pausePointer],
    objectUrl: url,
    rbac: { group, resource: resource.resource },
  };
  const ns = sts.metadata?.namespace ?? '';
  const keep = keepClaimsThroughDelete(sts);
  const setChange: PlannedChange = {
    target: {
      kind: 'StatefulSet',
      namespace: ns,
      name: sts.metadata?.name ?? '',
      uid: sts.metadata?.uid ?? '',
      resourceVersion: sts.metadata?.resourceVersion ?? '',
    },
    summary: `orphan-delete statefulset ${sts.metadata?.name} and let ${owner.operator!.operator} create it again at ${size} (template ${template} was ${formatBytes(requestOf(templateOf(sts, template)?.spec))})`,
    before: sts,
    after: (() => {
      const after = clone(sts);
      const t = templateOf(after, template);
      if (t) t.spec = { ...t.spec, resources: { ...t.spec?.resources, requests: { ...t.spec?.resources?.requests, storage: size } } };
      return after;
    })(),
    steps: [
      ...keep.steps,
      {
        kind: 'delete-orphan',
        path: objectPath('StatefulSet', sts.metadata?.name ?? '', ns),
        uid: sts.metadata?.uid ?? '',
        generation: sts.metadata?.generation ?? 0,
        description: 'delete with propagationPolicy: Orphan, only if uid and spec generation are still as planned (pods and claims stay)',
      },
      {
        kind: 'patch',
        path: url,
        patch: [
          { op: 'test', path: '/metadata/uid', value: resource.metadata.uid },
          { op: 'replace', path: procedure.pausePointer, value: false },
        ],
        description: `un-pause ${label}: the operator creates the set again from it`,
      },
      {
        kind: 'wait-recreated',
        namespace: ns,
        name: sts.metadata?.name ?? '',
        oldUid: sts.metadata?.uid ?? '',
        controllerUid: resource.metadata.uid,
        template,
        size,
        description: `wait until ${owner.operator!.operator} has created it again, owned by ${label}, at ${size}, and its pods are adopted`,
      },
    ],
    permissions: [
      { verb: 'get', group: 'apps', resource: 'statefulsets', namespace: ns },
      { verb: 'delete', group: 'apps', resource: 'statefulsets', namespace: ns },
      { verb: 'patch', group, resource: resource.resource, namespace: resource.metadata.namespace },
      ...keep.permissions,
    ],
    warnings: keep.warnings,
    notes: ['pods and claims stay (same uids); the operator writes the new set, so it stays owned by its resource'],
    owned: [],
    replaces: true,
    irreversible: `${owner.operator!.operator} created the set again from ${label}: to change it, change the resource (a smaller size there would make the operator delete every pod to re-create the set, and claims cannot shrink)`,
  };
  plan.changes = [resourceChange, ...claimChanges, setChange];
  return plan;
}

function templateOf(sts: StatefulSet, name: string): Claim | undefined {
  return sts.spec?.volumeClaimTemplates?.find((t) => t.metadata?.name === name);
}

function setStorage(object: { spec: Record<string, unknown> }, pointer: string, value: string): void {
  const parts = pointer.split('/').slice(2);
  let node = object.spec as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
  node[parts.at(-1)!] = value;
}
