import type { CommandContext } from '../commands/context.js';
import { ALL_CHECKS, findCheck } from '../../checks/index.js';
import { EXIT, UsageError } from '../errors.js';
import { outputWidth, stdoutPaint } from '../io.js';
import { paintSeverity } from '../../output/colors.js';
import { renderCatalogTable, renderCheckText } from '../../output/catalog.js';

export interface ExplainArgs {
  code?: string;
}

export async function handle(args: ExplainArgs, ctx: CommandContext): Promise<void> {
  const paint = stdoutPaint(ctx.io);
  if (!args.code) {
    ctx.io.stdout.write(renderCatalogTable(ALL_CHECKS, (c) => paintSeverity(paint, c.severity), outputWidth(ctx.io)));
    ctx.exitCode = EXIT.OK;
    return;
  }
  const check = findCheck(args.code);
  if (!check) throw new UsageError(`unknown code "${args.code}"; run "kubectl sts-storage explain" for the catalog`);
  ctx.io.stdout.write(renderCheckText(check, paint, outputWidth(ctx.io) ?? 80));
  ctx.exitCode = EXIT.OK;
}
