import type { CommandContext } from '../commands/context.js';
import { say } from '../io.js';
import { clientFrom, type ClusterArgs } from '../options/cluster-options.js';
import { backupRootFrom, dryRunFrom, type RepairArgs } from '../options/repair-options.js';
import { UsageError } from '../errors.js';
import { validateName, validateNamespace } from '../validate.js';
import { runPlan } from '../run-plan.js';
import { planMountRename, proposeRenames, type Rename } from '../../fixes/fix-mounts.js';
import { readOwner, readStatefulSet } from '../../fixes/read.js';
import { patchVerdict, withOwner } from '../../fixes/owner-policy.js';
import { templateNames } from '../../kube/statefulset.js';

export interface FixMountsArgs extends ClusterArgs, RepairArgs {
  statefulset: string;
  rename?: string[];
}

function parseRenames(values: string[]): Rename[] {
  return values.map((v) => {
    const m = /^([^=]+)=([^=]+)$/.exec(v);
    if (!m) throw new UsageError(`--rename takes OLD=NEW (got "${v}")`);
    return [m[1]!.trim(), m[2]!.trim()];
  });
}

export async function handle(args: FixMountsArgs, ctx: CommandContext): Promise<void> {
  if (args.namespace) validateNamespace(args.namespace);
  validateName('statefulset', args.statefulset);
  const renames = args.rename ? parseRenames(args.rename) : undefined;
  const dryRun = dryRunFrom(args);
  const client = await clientFrom(args);
  try {
    const { sts, namespace: ns } = await readStatefulSet(client, args.statefulset, args.namespace);
    if (renames) {
      const targets = new Set([
        ...(sts.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name),
        ...(sts.spec?.template?.spec?.volumes ?? []).map((v) => v.name),
      ]);
      const bad = renames.filter(([, to]) => !targets.has(to));
      if (bad.length)
        throw new UsageError(
          `--rename target${bad.length > 1 ? 's' : ''} ${bad.map(([, to]) => `"${to}"`).join(', ')} ${bad.length > 1 ? 'are' : 'is'} neither a volumeClaimTemplate nor a pod volume of statefulset ${args.statefulset} (templates: ${templateNames(sts).join(', ') || 'none'})`,
        );
    }
    const chosen = renames ?? proposeRenames(sts);
    if (!renames && chosen.length > 0) say(ctx.io.stdout, ctx.io, `Proposed: ${chosen.map(([a, b]) => `rename mount "${a}" to template "${b}"`).join(', ')}`);
    const result = planMountRename(sts, chosen);
    const { owner, skipped } = await readOwner(client, sts);
    ctx.exitCode = await runPlan(
      client,
      withOwner(
        {
          command: `fix-mounts ${args.statefulset} -n ${ns}${chosen.map(([a, b]) => ` --rename ${a}=${b}`).join('')}`,
          changes: 'steps' in result ? [result] : [],
          refusals: 'steps' in result ? [] : [result],
          warnings: skipped.map((s) => `owner: ${s}`),
        },
        patchVerdict(owner, "the pod template's volumeMounts"),
        { kind: 'StatefulSet', namespace: ns, name: args.statefulset },
      ),
      { dryRun, yes: !!args.yes, backupRoot: backupRootFrom(args, ctx.io.env), io: ctx.io, argv: ctx.argv },
    );
  } finally {
    client.close();
  }
}
