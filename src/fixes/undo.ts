// undo: restore what a repair changed, from its backup. Only the fields the
// repair owned are put back, and only while they still hold what the repair
// wrote: if anything (the binder, a colleague) has moved them on since, the
// restore would clobber that, so it is refused with what changed.
import { stringify } from 'yaml';
import type { KubeObject, StatefulSet } from '../kube/types.js';
import type { Backup, BackupEntry } from './backup.js';
import { planRecreate } from './recreate.js';
import { CANNOT_SHRINK } from './resize.js';
import {
  concretePointer,
  deepEqual,
  isKeyed,
  preconditions,
  specPreconditions,
  targetOf,
  unescapePointer,
  valueAt,
  type JsonPatchOp,
  type PlannedChange,
  type Refusal,
} from './plan.js';
import { apiGroupOf, kindInfo, objectPath } from '../kube/resources.js';

// Values as a person reads them: YAML's flow style ({ name: data, uid: 7f0c… }), not raw JSON.
const show = (v: unknown) => (v === undefined ? '(absent)' : stringify(v, { collectionStyle: 'flow', lineWidth: 0 }).trim());
const readable = (ptr: string) => ptr.slice(1).split('/').map(unescapePointer).join('.');

/** The fields whose current value is not what the repair left. */
export function movedOn(entry: BackupEntry, after: KubeObject, current: KubeObject): string[] {
  return entry.owned
    .filter((p) => !deepEqual(valueAt(after, p), valueAt(current, p)))
    .map((p) => `${readable(p)}: the repair left ${show(valueAt(after, p))}, it is now ${show(valueAt(current, p))}`);
}

export function planRestore(entry: BackupEntry, before: KubeObject, after: KubeObject, current: KubeObject | undefined): PlannedChange | Refusal {
  const target = { kind: entry.kind, namespace: entry.namespace, name: entry.name };
  const refuse = (...reasons: string[]): Refusal => ({ target, reasons });
  if (entry.status !== 'applied' && entry.status !== 'unknown') return { target, reasons: [`the repair did not change it (${entry.status})`], noop: true };
  if (entry.irreversible) return { target, reasons: [entry.irreversible], noop: true };
  if (!current) return refuse('it no longer exists; nothing to restore onto');
  if (entry.replaces ? current.metadata?.uid === entry.uid : current.metadata?.uid !== entry.uid) {
    return refuse(`it is not the object the repair left (uid ${current.metadata?.uid})`);
  }
  const changed = movedOn(entry, after, current);
  if (changed.length > 0) return refuse(`it has moved on since the repair, and restoring would clobber that: ${changed.join('; ')}`);
  const restored = structuredClone(current);
  const path = entry.objectUrl ?? objectPath(entry.kind, entry.name, entry.namespace);
  if (entry.replaces) {
    // The repair deleted and recreated it: recreate it the same way, as it is now but for the
    // fields the repair owned (a scale since the repair stays; labels, annotations, owners too).
    return planRecreate(
      current as StatefulSet,
      (set) => {
        for (const p of entry.owned) setAt(set, p, valueAt(before, p));
      },
      {
        summary: `recreate ${entry.kind} ${entry.name} from the backup (orphaning delete + create)`,
        createDescription: 'create the StatefulSet as it is, with the fields the repair changed as they were before it',
        rollPods: [],
        notes: [],
        owned: entry.owned,
      },
    );
  }
  const patch: JsonPatchOp[] = entry.kind === 'StatefulSet' ? specPreconditions(current) : preconditions(current);
  for (const p of entry.owned) {
    const want = valueAt(before, p);
    const parent = p.slice(0, p.lastIndexOf('/'));
    if (isKeyed(p)) {
      // One element of a list others write too (a node's taints): by its index now, tested.
      const at = concretePointer(current, p);
      const sel = valueAt(current, p) as Record<string, unknown> | undefined;
      if (at && sel) patch.push({ op: 'test', path: at, value: sel });
      if (want === undefined) {
        if (at) patch.push({ op: 'remove', path: at });
      } else if (at) patch.push({ op: 'replace', path: at, value: want });
      else {
        if (valueAt(current, parent) === undefined) patch.push({ op: 'add', path: parent, value: [] });
        patch.push({ op: 'add', path: `${parent}/-`, value: want });
      }
      setAt(restored, p, want);
      continue;
    }
    if (want === undefined) {
      if (valueAt(current, p) !== undefined) patch.push({ op: 'remove', path: p });
    } else {
      // "add" replaces an existing value and creates a missing one (under an existing parent).
      if (parent && valueAt(current, parent) === undefined) patch.push({ op: 'add', path: parent, value: {} });
      patch.push({ op: 'add', path: p, value: want });
    }
    setAt(restored, p, want);
  }
  return {
    target: targetOf(entry.kind, current),
    summary: `restore ${entry.owned.map(readable).join(', ')} of ${entry.kind} ${entry.name} as it was before the repair`,
    before: current,
    after: restored,
    steps: [{ kind: 'patch', path, patch, description: 'JSON patch with test preconditions' }],
    permissions: [
      {
        verb: 'patch',
        group: entry.rbac?.group ?? apiGroupOf(entry.kind),
        resource: entry.rbac?.resource ?? kindInfo(entry.kind)!.resource,
        ...(entry.namespace ? { namespace: entry.namespace } : {}),
      },
    ],
    warnings: entry.owned.includes('/metadata/ownerReferences') ? [OWNER_REFERENCES_BACK] : [],
    notes: [],
    owned: entry.owned,
  };
}

// protect --owner-references removed them so that the garbage collector would not delete the claim.
const OWNER_REFERENCES_BACK =
  'the ownerReferences come back: once none of those owners exists (one deleted since the repair counts), the garbage collector deletes the claim';

function setAt(object: unknown, ptr: string, value: unknown): void {
  const parent = ptr.slice(0, ptr.lastIndexOf('/'));
  if (isKeyed(ptr)) {
    const list = (valueAt(object, parent) as unknown[] | undefined) ?? [];
    const at = concretePointer(object, ptr);
    const i = at === undefined ? -1 : Number(at.slice(at.lastIndexOf('/') + 1));
    if (i >= 0) list.splice(i, 1, ...(value === undefined ? [] : [structuredClone(value)]));
    else if (value !== undefined) list.push(structuredClone(value));
    if (valueAt(object, parent) === undefined && list.length > 0) setAt(object, parent, list);
    return;
  }
  const parts = ptr.split('/').slice(1).map(unescapePointer);
  let node = object as Record<string, unknown>;
  for (const key of parts.slice(0, -1)) {
    if (node[key] === undefined || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = parts.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = structuredClone(value);
}

export function planUndo(backup: Backup, currents: Map<BackupEntry, KubeObject | undefined>): { changes: PlannedChange[]; refusals: Refusal[] } {
  const changes: PlannedChange[] = [];
  const refusals: Refusal[] = [];
  for (const entry of backup.record.objects) {
    const r = planRestore(entry, backup.object(entry), backup.after(entry), currents.get(entry));
    if ('steps' in r) changes.push(r);
    else refusals.push(r);
  }
  // Claims that cannot go back stay larger than the template that does: said before the `y`,
  // since the audit will report it (STS-017) and a scale-up creates claims of the old size.
  const kept = backup.record.objects.filter((e) => e.kind === 'PersistentVolumeClaim' && e.irreversible?.startsWith(CANNOT_SHRINK));
  for (const c of changes.filter((x) => x.target.kind === 'StatefulSet'))
    if (kept.length > 0)
      c.warnings.push(
        `claims ${kept.map((e) => e.name).join(', ')} keep their grown size (claims cannot shrink), and the template goes back below them: the audit will report STS-017, and a scale-up creates claims of the old size; to keep the set in step, do not undo this backup`,
      );
  return { changes, refusals };
}
