import fs from 'node:fs';
import path from 'node:path';
import Table from 'cli-table3';
import { BORDERLESS } from '../../output/borderless.js';
import type { CommandContext } from '../commands/context.js';
import { clientFrom, type ClusterArgs } from '../options/cluster-options.js';
import { backupRootFrom, dryRunFrom, type RepairArgs } from '../options/repair-options.js';
import { EXIT, UsageError } from '../errors.js';
import { Backup, listBackups, type BackupEntry } from '../../fixes/backup.js';
import { runPlan } from '../run-plan.js';
import { planUndo } from '../../fixes/undo.js';
import { getObject } from '../../fixes/read.js';
import type { KubeObject } from '../../kube/types.js';

export interface UndoArgs extends ClusterArgs, RepairArgs {
  backup?: string;
}

function resolveBackup(root: string, ref: string): Backup {
  const dir = fs.existsSync(path.join(ref, 'backup.yaml')) ? ref : path.join(root, ref);
  if (!fs.existsSync(path.join(dir, 'backup.yaml'))) throw new UsageError(`no backup "${ref}" (in ${root}); run "kubectl sts-storage undo" to list them`);
  return Backup.open(dir);
}

export async function handle(args: UndoArgs, ctx: CommandContext): Promise<void> {
  const root = backupRootFrom(args, ctx.io.env);
  if (!args.backup) {
    const backups = listBackups(root);
    if (backups.length === 0) {
      ctx.io.stdout.write(`No backups in ${root}.\n`);
      ctx.exitCode = EXIT.OK;
      return;
    }
    const table = new Table({
      head: ['BACKUP', 'CREATED', 'SERVER', 'COMMAND', 'OBJECTS'],
      style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 },
      chars: BORDERLESS,
    });
    for (const b of backups) {
      const objects = b.record.objects.map((o) => `${o.kind} ${o.namespace ? o.namespace + '/' : ''}${o.name} (${o.status})`).join('\n');
      table.push([
        b.name,
        b.record.created,
        b.record.server ?? 'unknown',
        b.record.command + (b.record.restoredBy ? `\nrestored by ${b.record.restoredBy}` : ''),
        objects || '(none)',
      ]);
    }
    ctx.io.stdout.write(`${table.toString()}\n\nBackups in ${root}. Restore one with: kubectl sts-storage undo BACKUP\n`);
    ctx.exitCode = EXIT.OK;
    return;
  }
  const backup = resolveBackup(root, args.backup);
  if (backup.record.restoredBy) throw new UsageError(`backup ${backup.name} was already restored (by ${backup.record.restoredBy}); undo that one instead`);
  const dryRun = dryRunFrom(args);
  const client = await clientFrom(args);
  try {
    // A backup restores onto the cluster it was taken from, never onto whatever the context points at now.
    if (backup.record.server && backup.record.server !== client.server) {
      throw new UsageError(
        `backup ${backup.name} was taken on ${backup.record.server}, but the current context points at ${client.server}; switch with --context or --kubeconfig`,
      );
    }
    const currents = new Map<BackupEntry, KubeObject | undefined>();
    for (const entry of backup.record.objects) currents.set(entry, await getObject<KubeObject>(client, entry.kind, entry.name, entry.namespace));
    const { changes, refusals } = planUndo(backup, currents);
    let written: Backup | undefined;
    ctx.exitCode = await runPlan(
      client,
      { command: `undo ${backup.name}`, changes, refusals },
      { dryRun, yes: !!args.yes, backupRoot: root, io: ctx.io, onBackup: (b) => (written = b) },
    );
    if (ctx.exitCode === EXIT.OK && written && changes.length > 0) {
      backup.record.restoredBy = written.name;
      backup.save();
    }
  } finally {
    client.close();
  }
}
