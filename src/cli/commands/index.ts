import type { Argv } from 'yargs';
import type { CommandContext } from './context.js';
import { auditCommand } from './audit.js';
import { explainCommand } from './explain.js';
import { fixClaimRefCommand } from './fix-claimref.js';
import { prebindCommand } from './prebind.js';
import { versionCommand } from './version.js';

/** Every command, registered explicitly. */
export function registerCommands(y: Argv, ctx: CommandContext): Argv {
  return y.command(auditCommand(ctx)).command(fixClaimRefCommand(ctx)).command(prebindCommand(ctx)).command(explainCommand(ctx)).command(versionCommand(ctx));
}
