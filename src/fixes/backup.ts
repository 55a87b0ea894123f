// Backups: one directory per repair run, holding each object as it was read
// before the write (YAML) and backup.yaml, the record of what happened to it.
// `undo` restores from them.
import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { KubeObject } from '../kube/types.js';
import type { PlannedChange } from './plan.js';

export interface BackupEntry {
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
  resourceVersionBefore: string;
  file: string;
  /** the object as the repair meant to leave it */
  afterFile: string;
  /** JSON pointers the repair changed */
  owned: string[];
  replaces?: boolean;
  irreversible?: string;
  /** for a kind outside the tool's table: where it lives and its RBAC resource */
  objectUrl?: string;
  rbac?: { group: string; resource: string };
  status: 'planned' | 'applied' | 'failed' | 'unknown' | 'untouched';
  resourceVersionAfter?: string;
  error?: string;
}

export interface BackupRecord {
  apiVersion: 'sts-storage.kubectl.io/v1alpha1';
  kind: 'RepairBackup';
  command: string;
  created: string;
  server: string;
  objects: BackupEntry[];
  restoredBy?: string;
}

export { defaultBackupRoot } from './backup-root.js';

export class Backup {
  readonly record: BackupRecord;

  private constructor(
    readonly dir: string,
    record: BackupRecord,
  ) {
    this.record = record;
  }

  static create(root: string, command: string, server: string): Backup {
    const stamp = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const verb = command.split(' ')[0] ?? 'repair';
    let dir = path.join(root, `${stamp}-${verb}`);
    for (let i = 2; fs.existsSync(dir); i++) dir = path.join(root, `${stamp}-${verb}-${i}`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const b = new Backup(dir, {
      apiVersion: 'sts-storage.kubectl.io/v1alpha1',
      kind: 'RepairBackup',
      command,
      created: new Date().toISOString(),
      server,
      objects: [],
    });
    b.save();
    return b;
  }

  static open(dir: string): Backup {
    const record = parse(fs.readFileSync(path.join(dir, 'backup.yaml'), 'utf8')) as BackupRecord;
    if (record?.kind !== 'RepairBackup') throw new Error(`${dir} is not a repair backup`);
    return new Backup(dir, record);
  }

  /** Saves the object before anything changes it (and what the change means to leave); returns its entry. */
  add(change: PlannedChange): BackupEntry {
    const { before: object, after } = change;
    const kind = change.target.kind;
    const ns = object.metadata?.namespace;
    const name = `${kind}_${ns ? ns + '_' : ''}${object.metadata?.name}`;
    // One object can be in a plan twice (snapshotted, then resized): each entry keeps files of its own.
    const taken = new Set(this.record.objects.map((e) => e.file));
    let base = name;
    for (let n = 2; taken.has(`${base}.yaml`); n++) base = `${name}~${n}`;
    const file = `${base}.yaml`;
    const afterFile = `${base}.after.yaml`;
    writeAtomically(path.join(this.dir, file), stringify({ apiVersion: object.apiVersion, kind: object.kind ?? kind, ...object }));
    writeAtomically(path.join(this.dir, afterFile), stringify({ apiVersion: after.apiVersion, kind: after.kind ?? kind, ...after }));
    const entry: BackupEntry = {
      kind,
      ...(ns ? { namespace: ns } : {}),
      name: object.metadata?.name ?? '',
      uid: object.metadata?.uid ?? '',
      resourceVersionBefore: object.metadata?.resourceVersion ?? '',
      file,
      afterFile,
      owned: change.owned,
      ...(change.replaces ? { replaces: true } : {}),
      ...(change.irreversible ? { irreversible: change.irreversible } : {}),
      ...(change.objectUrl ? { objectUrl: change.objectUrl } : {}),
      ...(change.rbac ? { rbac: change.rbac } : {}),
      status: 'planned',
    };
    this.record.objects.push(entry);
    this.save();
    return entry;
  }

  object(entry: BackupEntry): KubeObject {
    return parse(fs.readFileSync(path.join(this.dir, entry.file), 'utf8')) as KubeObject;
  }

  setAfter(entry: BackupEntry, object: KubeObject): void {
    writeAtomically(path.join(this.dir, entry.afterFile), stringify(object));
  }

  after(entry: BackupEntry): KubeObject {
    return parse(fs.readFileSync(path.join(this.dir, entry.afterFile), 'utf8')) as KubeObject;
  }

  get name(): string {
    return path.basename(this.dir);
  }

  save(): void {
    writeAtomically(path.join(this.dir, 'backup.yaml'), stringify(this.record));
  }
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function listBackups(root: string): Backup[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .filter((d) => fs.existsSync(path.join(root, d, 'backup.yaml')))
    .sort()
    .map((d) => Backup.open(path.join(root, d)));
}
