import type { CommandContext } from '../commands/context.js';
import { clientFrom, type ClusterArgs } from '../options/cluster-options.js';
import { backupRootFrom, dryRunFrom, type RepairArgs } from '../options/repair-options.js';
import { UsageError } from '../errors.js';
import { validateName, validateNamespace } from '../validate.js';
import { runPlan } from '../run-plan.js';
import { getObject } from '../../fixes/read.js';
import { planRecoverExpansion, recoverySizeProblem } from '../../fixes/recover-expansion.js';
import type { Plan } from '../../fixes/plan.js';
import { notFound } from '../../kube/errors.js';
import { parseQuantity } from '../../kube/quantity.js';
import type { Claim } from '../../kube/types.js';

export interface RecoverArgs extends ClusterArgs, RepairArgs {
  claim: string;
  to: string;
}

export async function handle(args: RecoverArgs, ctx: CommandContext): Promise<void> {
  validateName('claim', args.claim);
  if (args.namespace) validateNamespace(args.namespace);
  const size = parseQuantity(args.to);
  if (size === undefined || size <= 0) throw new UsageError(`--to "${args.to}" is not a storage size (e.g. 20Gi, 500Mi)`);
  const dryRun = dryRunFrom(args);
  const client = await clientFrom(args);
  try {
    const namespace = args.namespace || client.namespace;
    const claim = await getObject<Claim>(client, 'PersistentVolumeClaim', args.claim, namespace);
    if (!claim) throw notFound('PersistentVolumeClaim', [args.claim], namespace);
    const problem = recoverySizeProblem(claim, size);
    if (problem) throw new UsageError(problem);
    const result = planRecoverExpansion(claim, args.to);
    const plan: Plan = { command: `recover-expansion ${args.claim} -n ${namespace} --to ${args.to}`, changes: [], refusals: [] };
    if ('steps' in result) plan.changes.push(result);
    else plan.refusals.push(result);
    ctx.exitCode = await runPlan(client, plan, { dryRun, yes: !!args.yes, backupRoot: backupRootFrom(args, ctx.io.env), io: ctx.io, argv: ctx.argv });
  } finally {
    client.close();
  }
}
