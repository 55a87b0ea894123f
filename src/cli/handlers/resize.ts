import type { CommandContext } from '../commands/context.js';
import { clientFrom, type ClusterArgs } from '../options/cluster-options.js';
import { backupRootFrom, dryRunFrom, type RepairArgs } from '../options/repair-options.js';
import { UsageError } from '../errors.js';
import { validateName, validateNamespace } from '../validate.js';
import { runPlan } from '../run-plan.js';
import { getObject, listIfAllowed, readStatefulSet } from '../../fixes/read.js';
import { claimsOfTemplate, largestRequest, planResize, type LimitRange, type Quota } from '../../fixes/resize.js';
import { collectionPath } from '../../kube/resources.js';
import { expansionState } from '../../kube/expansion.js';
import { formatBytes, parseQuantity } from '../../kube/quantity.js';
import { parseDuration } from '../../kube/time.js';
import { templateNames } from '../../kube/statefulset.js';
import type { Claim, StatefulSet, StorageClass } from '../../kube/types.js';
import type { ReadClient } from '../../kube/read-client.js';
import type { IO } from '../io.js';

export interface ResizeArgs extends ClusterArgs, RepairArgs {
  statefulset: string;
  to: string;
  template?: string;
  wait?: boolean;
  timeout: string;
}

/** One line per claim: what it asks, what it has, and what the resizer and kubelet say. */
export function progressLine(claim: Claim): string {
  const s = expansionState(claim);
  const parts = [`asks ${formatBytes(s.request)}`, `has ${formatBytes(s.capacity)}`];
  if (s.allocated !== undefined) parts.push(`allocated ${formatBytes(s.allocated)}`);
  if (s.status) parts.push(s.status);
  for (const c of s.conditions) parts.push(c.type);
  const done = s.request !== undefined && s.capacity !== undefined && s.capacity >= s.request;
  return `  ${claim.metadata?.name}: ${done ? 'done' : 'resizing'} (${parts.join(', ')})`;
}

async function reportProgress(client: ReadClient, sts: StatefulSet, template: string, size: number, io: IO, waitMs: number | undefined): Promise<boolean> {
  const deadline = Date.now() + (waitMs ?? 0);
  for (;;) {
    const claims = claimsOfTemplate(sts, template, await client.list<Claim>(collectionPath('v1', 'persistentvolumeclaims', sts.metadata?.namespace)));
    const done = claims.every((c) => (expansionState(c).capacity ?? 0) >= size);
    if (done || waitMs === undefined || Date.now() >= deadline) {
      io.stdout.write(
        `Expansion ${done ? 'complete' : waitMs === undefined ? 'in progress' : 'not complete before --timeout'}:\n${claims.map(progressLine).join('\n')}\n`,
      );
      if (!done && waitMs === undefined)
        io.stdout.write(
          `Follow it (nothing left to change, it only waits):\n  kubectl sts-storage resize ${sts.metadata?.name} -n ${sts.metadata?.namespace} --to ${formatBytes(size)} --wait\n`,
        );
      return done;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

export async function handle(args: ResizeArgs, ctx: CommandContext): Promise<void> {
  validateName('statefulset', args.statefulset);
  if (args.namespace) validateNamespace(args.namespace);
  if (args['all-namespaces']) throw new UsageError('resize changes one StatefulSet of one namespace: use -n NAMESPACE, not -A');
  const size = parseQuantity(args.to);
  if (size === undefined || size <= 0) throw new UsageError(`--to "${args.to}" is not a storage size (e.g. 20Gi, 500Mi)`);
  let waitMs: number | undefined;
  try {
    waitMs = args.wait ? parseDuration(args.timeout) : undefined;
  } catch (err) {
    throw new UsageError(`--timeout: ${(err as Error).message}`);
  }
  const dryRun = dryRunFrom(args);
  const client = await clientFrom(args);
  try {
    const { sts, namespace } = await readStatefulSet(client, args.statefulset, args.namespace);
    const names = templateNames(sts);
    if (names.length === 0) throw new UsageError(`statefulset ${args.statefulset} has no volumeClaimTemplates: nothing to resize`);
    const template = args.template ?? (names.length === 1 ? names[0]! : undefined);
    if (!template)
      throw new UsageError(`statefulset ${args.statefulset} has ${names.length} volumeClaimTemplates: choose one with --template (${names.join(', ')})`);
    if (!names.includes(template))
      throw new UsageError(`statefulset ${args.statefulset} has no volumeClaimTemplate "${template}" (choices: ${names.join(', ')})`);
    const claims = await client.list<Claim>(collectionPath('v1', 'persistentvolumeclaims', namespace));
    const largest = largestRequest(sts, template, claims);
    if (largest && largest.size > size)
      throw new UsageError(
        `claims cannot shrink: ${largest.claim} asks for ${formatBytes(largest.size)}, so --to must be at least ${formatBytes(largest.size)}`,
      );
    const [classes, quotas, limitRanges] = await Promise.all([
      listIfAllowed<StorageClass>(client, '/apis/storage.k8s.io/v1/storageclasses'),
      listIfAllowed<Quota>(client, collectionPath('v1', 'resourcequotas', namespace)),
      listIfAllowed<LimitRange>(client, collectionPath('v1', 'limitranges', namespace)),
    ]);
    if (!classes) throw new UsageError('cannot list StorageClasses, so whether they allow expansion is unknown (the preflight needs get/list storageclasses)');
    const plan = planResize(
      { sts, template, size: args.to, claims, classes, quotas: quotas ?? [], limitRanges: limitRanges ?? [] },
      `resize ${args.statefulset} -n ${namespace} --to ${args.to}${args.template ? ` --template ${args.template}` : ''}`,
    );
    if (!quotas) plan.warnings.push('cannot list ResourceQuotas: the API server will judge each claim against them');
    if (!limitRanges) plan.warnings.push('cannot list LimitRanges: the API server will judge each claim against them');
    ctx.exitCode = await runPlan(client, plan, { dryRun, yes: !!args.yes, backupRoot: backupRootFrom(args, ctx.io.env), io: ctx.io, argv: ctx.argv });
    const live = await getObject<StatefulSet>(client, 'StatefulSet', args.statefulset, namespace);
    if (dryRun === 'none' && ctx.exitCode === 0 && live) {
      const done = await reportProgress(client, live, template, size, ctx.io, waitMs);
      if (args.wait && !done) ctx.exitCode = 1;
    }
  } finally {
    client.close();
  }
}
