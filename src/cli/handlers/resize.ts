import type { CommandContext } from '../commands/context.js';
import { clientFrom, type ClusterArgs } from '../options/cluster-options.js';
import { backupRootFrom, dryRunFrom, type RepairArgs } from '../options/repair-options.js';
import type { OwnerSyncArgs } from '../options/owner-options.js';
import { EXIT, UsageError } from '../errors.js';
import { waitForExpansion } from '../resize-wait.js';
import { validateName, validateNamespace } from '../validate.js';
import { runPlan } from '../run-plan.js';
import { getObject, listIfAllowed, readOwner, readStatefulSet } from '../../fixes/read.js';
import { recreateVerdict } from '../../fixes/owner-policy.js';
import { planResizeThroughOwner, resizesThroughOwner } from '../../fixes/resize-through-owner.js';
import { largestRequest, planResize, type LimitRange, type Quota } from '../../fixes/resize.js';
import { collectionPath } from '../../kube/resources.js';
import { formatBytes, parseQuantity } from '../../kube/quantity.js';
import { durationFlag } from '../options/duration.js';
import { snapshotFirst, type SnapshotFirstArgs } from '../snapshot-first.js';
import { templateNames } from '../../kube/statefulset.js';
import type { Claim, StatefulSet, StorageClass } from '../../kube/types.js';

export interface ResizeArgs extends ClusterArgs, RepairArgs, OwnerSyncArgs, SnapshotFirstArgs {
  statefulset: string;
  to: string;
  template?: string;
  wait?: boolean;
  timeout: string;
}

export async function handle(args: ResizeArgs, ctx: CommandContext): Promise<void> {
  validateName('statefulset', args.statefulset);
  if (args.namespace) validateNamespace(args.namespace);
  if (args['all-namespaces']) throw new UsageError('resize changes one StatefulSet of one namespace: use -n NAMESPACE, not -A');
  const size = parseQuantity(args.to);
  if (size === undefined || size <= 0) throw new UsageError(`--to "${args.to}" is not a storage size (e.g. 20Gi, 500Mi)`);
  const waitMs = args.wait ? durationFlag('--timeout', args.timeout) : undefined;
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
    const command = `resize ${args.statefulset} -n ${namespace} --to ${args.to}${args.template ? ` --template ${args.template}` : ''}`;
    const input = { sts, template, size: args.to, claims, classes, quotas: quotas ?? [], limitRanges: limitRanges ?? [] };
    // An owned set is resized through its owner, or refused, before any claim is touched.
    const { owner, skipped } = await readOwner(client, sts);
    const plan = resizesThroughOwner(owner)
      ? planResizeThroughOwner(input, owner, command)
      : planResize(
          {
            ...input,
            owner: recreateVerdict(owner, args.statefulset, [{ template, size: args.to }], {
              despiteOwnerSync: !!args['despite-owner-sync'],
              what: 'a resize',
            }),
          },
          command,
        );
    for (const s of skipped) plan.warnings.push(`owner: ${s}`);
    if (!quotas) plan.warnings.push('cannot list ResourceQuotas: the API server will judge each claim against them');
    if (!limitRanges) plan.warnings.push('cannot list LimitRanges: the API server will judge each claim against them');
    const guarded = await snapshotFirst(client, args, sts, plan);
    ctx.exitCode = await runPlan(client, guarded, { dryRun, yes: !!args.yes, backupRoot: backupRootFrom(args, ctx.io.env), io: ctx.io, argv: ctx.argv });
    const live = await getObject<StatefulSet>(client, 'StatefulSet', args.statefulset, namespace);
    if (dryRun === 'none' && ctx.exitCode === 0 && live) {
      const outcome = await waitForExpansion(client, live, template, size, ctx.io, { waitMs });
      // Applied, but not yet in effect: a code of its own, not a failure of the repair.
      if (outcome === 'timed-out') ctx.exitCode = EXIT.WAIT_TIMED_OUT;
    }
  } finally {
    client.close();
  }
}
