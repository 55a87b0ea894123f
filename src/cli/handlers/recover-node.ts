import type { CommandContext } from '../commands/context.js';
import { say } from '../io.js';
import { clientFrom, type ClusterArgs } from '../options/cluster-options.js';
import { backupRootFrom, dryRunFrom, type RepairArgs } from '../options/repair-options.js';
import { EXIT, UsageError } from '../errors.js';
import { validateName } from '../validate.js';
import { runPlan } from '../run-plan.js';
import { getObject, listIfAllowed } from '../../fixes/read.js';
import { planRecoverNode, type Lease } from '../../fixes/recover-node.js';
import type { Plan } from '../../fixes/plan.js';
import { ApiError, notFound } from '../../kube/errors.js';
import type { ReadClient } from '../../kube/read-client.js';
import type { Node, Pod, VolumeAttachment } from '../../kube/types.js';

export interface RecoverNodeArgs extends ClusterArgs, RepairArgs {
  node: string;
  'confirm-powered-off'?: string;
}

/** The node's heartbeat Lease (kube-node-lease); a missing one is no evidence of life, an unreadable one is no evidence of death. */
async function readLease(client: ReadClient, node: string): Promise<{ lease?: Lease; error?: string }> {
  try {
    return { lease: await client.get<Lease>(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${encodeURIComponent(node)}`) };
  } catch (err) {
    if (err instanceof ApiError && err.notFound) return {};
    return { error: (err as Error).message };
  }
}

export async function handle(args: RecoverNodeArgs, ctx: CommandContext): Promise<void> {
  validateName('node', args.node);
  const stated = args['confirm-powered-off'];
  if (stated !== undefined && stated !== args.node)
    throw new UsageError(`--confirm-powered-off names ${stated || 'nothing'}, not ${args.node}: state it for the node you recover`);
  let dryRun = dryRunFrom(args);
  const missingStatement = stated === undefined && dryRun === 'none';
  // Without the statement nothing is written: the plan is shown so the user knows what they would confirm.
  if (missingStatement) dryRun = 'client';
  const client = await clientFrom(args);
  try {
    const node = await getObject<Node>(client, 'Node', args.node);
    if (!node) throw notFound('Node', [args.node]);
    const [lease, pods, attachments] = await Promise.all([
      readLease(client, args.node),
      client.list<Pod>('/api/v1/pods', { fieldSelector: `spec.nodeName=${args.node}` }),
      listIfAllowed<VolumeAttachment>(client, '/apis/storage.k8s.io/v1/volumeattachments'),
    ]);
    const result = planRecoverNode({
      node,
      lease: lease.lease,
      leaseError: lease.error,
      pods,
      attachments: (attachments ?? []).filter((a) => a.spec?.nodeName === args.node),
      now: Date.now(),
    });
    const plan: Plan = { command: `recover-node ${args.node}`, changes: [], refusals: [] };
    if ('steps' in result) plan.changes.push(result);
    else plan.refusals.push(result);
    const code = await runPlan(client, plan, { dryRun, yes: !!args.yes, backupRoot: backupRootFrom(args, ctx.io.env), io: ctx.io, argv: ctx.argv });
    if (missingStatement && plan.changes.length > 0) {
      say(
        ctx.io.stderr,
        ctx.io,
        `error: recover-node lets other nodes take ${args.node}'s volumes: check that it is powered off (not only unreachable), then pass --confirm-powered-off=${args.node} (--yes alone is not enough)`,
      );
      ctx.exitCode = EXIT.USAGE;
    } else ctx.exitCode = code;
  } finally {
    client.close();
  }
}
