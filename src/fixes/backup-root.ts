// Apart from backup.ts (and its YAML writer), because every repair command's
// --help shows the default.
import os from 'node:os';
import path from 'node:path';

/** $STS_STORAGE_BACKUP_DIR, else the XDG state directory. */
export function defaultBackupRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env['STS_STORAGE_BACKUP_DIR']) return env['STS_STORAGE_BACKUP_DIR'];
  const state = env['XDG_STATE_HOME'] || path.join(os.homedir(), '.local', 'state');
  return path.join(state, 'kubectl-sts-storage', 'backups');
}
