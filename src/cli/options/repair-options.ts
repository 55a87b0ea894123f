import type { Argv } from 'yargs';
import { defaultBackupRoot } from '../../fixes/backup-root.js';
import type { DryRun } from '../../fixes/apply-plan.js';
import { UsageError } from '../errors.js';

export interface RepairArgs {
  'dry-run'?: string;
  yes?: boolean;
  force?: boolean;
  'backup-dir'?: string;
}

export function withRepairOptions<T>(y: Argv<T>): Argv<T & RepairArgs> {
  return y
    .option('dry-run', {
      type: 'string',
      describe:
        'Print the plan and stop. "server" (the default for a bare --dry-run) also has the API server validate each write with dryRun=All; "client" sends nothing',
    })
    .option('yes', { alias: 'y', type: 'boolean', describe: 'Apply without asking (required when stdin is not a terminal)' })
    .option('force', { type: 'boolean', describe: 'Also change objects the safety rules protect (a PV bound to a live claim, a PV that is not Released)' })
    .option('backup-dir', { type: 'string', describe: `Where to save each object before changing it (default: ${defaultBackupRoot()})` }) as Argv<
    T & RepairArgs
  >;
}

export function dryRunFrom(args: RepairArgs): DryRun {
  const v = args['dry-run'];
  if (v === undefined) return 'none';
  if (v === '' || v === 'server') return 'server';
  if (v === 'client' || v === 'none') return v;
  throw new UsageError(`--dry-run must be server, client or none (got "${v}")`);
}

export function backupRootFrom(args: RepairArgs, env: NodeJS.ProcessEnv): string {
  return args['backup-dir'] ?? defaultBackupRoot(env);
}
