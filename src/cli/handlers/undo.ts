import fs from 'node:fs';
import path from 'node:path';
import type { CommandContext } from '../commands/context.js';
import { clientFrom, type ClusterArgs } from '../options/cluster-options.js';
import { backupRootFrom, dryRunFrom, type RepairArgs } from '../options/repair-options.js';
import { EXIT, UsageError } from '../errors.js';
import { Backup, listBackups, type BackupEntry } from '../../fixes/backup.js';
import { runPlan } from '../run-plan.js';
import { outputWidth } from '../io.js';
import { wrapText } from '../../output/text.js';
import { planUndo } from '../../fixes/undo.js';
import { getObject } from '../../fixes/read.js';
import type { KubeObject, Volume } from '../../kube/types.js';
import { compareText } from '../../kube/text-order.js';

export interface UndoArgs extends ClusterArgs, RepairArgs {
  backup?: string;
}

function resolveBackup(root: string, ref: string): Backup {
  const dir = fs.existsSync(path.join(ref, 'backup.yaml')) ? ref : path.join(root, ref);
  if (!fs.existsSync(path.join(dir, 'backup.yaml'))) throw new UsageError(`no backup "${ref}" (in ${root}); run "kubectl sts-storage undo" to list them`);
  return Backup.open(dir);
}

/**
 * The backups that concern you: this cluster's (by its server), narrowed by
 * -n, newest first, each as a block that fits the terminal.
 */
async function listForThisCluster(args: UndoArgs, root: string, ctx: CommandContext): Promise<void> {
  const io = ctx.io;
  let server: string | undefined;
  try {
    const client = await clientFrom(args);
    server = client.server;
    client.close();
  } catch {
    // No usable kubeconfig: every cluster's backups, said so below.
  }
  const all = listBackups(root).sort((a, b) => compareText(b.record.created, a.record.created));
  const here = server ? all.filter((b) => !b.record.server || b.record.server === server) : all;
  const ns = args.namespace;
  // A PV belongs to the namespace of the claim its backed-up claimRef names.
  const namespaceOf = (b: Backup, o: BackupEntry) => o.namespace ?? (b.object(o) as Volume).spec?.claimRef?.namespace;
  const shown = ns ? here.filter((b) => b.record.objects.some((o) => namespaceOf(b, o) === ns)) : here;
  const width = outputWidth(io);
  const lines: string[] = [];
  for (const b of shown) {
    lines.push(...wrapText(`${b.name}  ${b.record.created}${server ? '' : `  ${b.record.server ?? 'unknown server'}`}`, width, '    '));
    lines.push(...wrapText(`    kubectl sts-storage ${b.record.command}`, width, '        '));
    if (b.record.restoredBy) lines.push(...wrapText(`    restored by ${b.record.restoredBy}`, width, '        '));
    for (const o of b.record.objects)
      lines.push(...wrapText(`    ${o.kind} ${o.namespace ? o.namespace + '/' : ''}${o.name} (${o.status})`, width, '        '));
    if (b.record.objects.length === 0) lines.push('    (no objects)');
  }
  const hidden = all.length - shown.length;
  const scope = [server ? `taken on ${server}` : 'of every cluster (no current context)', ns ? `touching namespace ${ns}` : ''].filter(Boolean).join(', ');
  if (shown.length === 0) lines.push(`No backups ${scope} in ${root}${hidden ? ` (${hidden} of other clusters or namespaces)` : ''}.`);
  else {
    lines.push('');
    lines.push(
      ...wrapText(`${shown.length} backup(s) ${scope}, newest first, in ${root}${hidden ? `; ${hidden} more of other clusters or namespaces` : ''}.`, width),
    );
    lines.push(...wrapText('Restore one with: kubectl sts-storage undo BACKUP', width));
  }
  io.stdout.write(lines.join('\n') + '\n');
  ctx.exitCode = EXIT.OK;
}

export async function handle(args: UndoArgs, ctx: CommandContext): Promise<void> {
  const root = backupRootFrom(args, ctx.io.env);
  if (!args.backup) {
    await listForThisCluster(args, root, ctx);
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
    for (const entry of backup.record.objects)
      currents.set(entry, await getObject<KubeObject>(client, entry.kind, entry.name, entry.namespace, entry.objectUrl));
    const { changes, refusals } = planUndo(backup, currents);
    let written: Backup | undefined;
    ctx.exitCode = await runPlan(
      client,
      { command: `undo ${backup.name}`, changes, refusals },
      { dryRun, yes: !!args.yes, backupRoot: root, io: ctx.io, argv: ctx.argv, onBackup: (b) => (written = b) },
    );
    if (ctx.exitCode === EXIT.OK && written && changes.length > 0) {
      backup.record.restoredBy = written.name;
      backup.save();
    }
  } finally {
    client.close();
  }
}
