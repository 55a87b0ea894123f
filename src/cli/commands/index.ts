import type { Argv } from 'yargs';
import type { CommandContext } from './context.js';
import { auditCommand } from './audit.js';
import { completionCommand } from './completion.js';
import { explainCommand } from './explain.js';
import { fixClaimRefCommand } from './fix-claimref.js';
import { fixMountsCommand } from './fix-mounts.js';
import { generateTemplateCommand } from './generate-template.js';
import { prebindCommand } from './prebind.js';
import { protectCommand } from './protect.js';
import { restoreCommand } from './restore.js';
import { resizeCommand } from './resize.js';
import { recoverExpansionCommand } from './recover-expansion.js';
import { recoverNodeCommand } from './recover-node.js';
import { showCommand } from './show.js';
import { snapshotCommand } from './snapshot.js';
import { snapshotsCommand } from './snapshots.js';
import { serveCommand } from './serve.js';
import { undoCommand } from './undo.js';
import { versionCommand } from './version.js';

/** Every command, registered explicitly, in the order --help lists them. */
export const COMMANDS = [
  auditCommand,
  showCommand,
  fixClaimRefCommand,
  prebindCommand,
  restoreCommand,
  generateTemplateCommand,
  fixMountsCommand,
  protectCommand,
  snapshotCommand,
  snapshotsCommand,
  serveCommand,
  resizeCommand,
  recoverExpansionCommand,
  recoverNodeCommand,
  undoCommand,
  explainCommand,
  versionCommand,
  completionCommand,
];

export function registerCommands(y: Argv, ctx: CommandContext): Argv {
  return COMMANDS.reduce((acc, make) => acc.command(make(ctx) as never), y);
}

/** The name each registered command is typed as ("fix-claimref"). */
export function commandNames(): string[] {
  const ctx = { io: undefined as never, exitCode: 0 };
  return COMMANDS.map((make) => String(make(ctx).command).split(' ')[0]!);
}
