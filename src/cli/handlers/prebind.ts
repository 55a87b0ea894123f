import { notFound } from '../../kube/errors.js';
import type { CommandContext } from '../commands/context.js';
import { clientFrom, type ClusterArgs } from '../options/cluster-options.js';
import { backupRootFrom, dryRunFrom, type RepairArgs } from '../options/repair-options.js';
import { UsageError } from '../errors.js';
import { parseClaimRef, validateName, validateNamespace, validateOrdinal } from '../validate.js';
import { runPlan } from '../run-plan.js';
import { planPrebind } from '../../fixes/prebind.js';
import { getObject, listIfAllowed } from '../../fixes/read.js';
import type { Plan } from '../../fixes/plan.js';
import type { Claim, Node, StatefulSet, StorageClass, Volume } from '../../kube/types.js';
import { claimNameFor, ordinalOfClaim, templateNames, type ClaimTemplate } from '../../kube/statefulset.js';
import { collectionPath } from '../../kube/resources.js';
import { manifestObjects, objectIn, templateFromFlags, validateClaimSpecArgs } from '../future-claims.js';
import type { ClaimSpecArgs } from '../options/claim-spec-options.js';
import { requirementsOf, requirementsOfNewClaim } from '../../kube/binding.js';

export interface PrebindArgs extends ClusterArgs, RepairArgs, ClaimSpecArgs {
  volume: string;
  claim?: string;
  statefulset?: string;
  ordinal?: number;
  template?: string;
}

function templateOfClaim(sets: StatefulSet[], claimName: string): ClaimTemplate | undefined {
  for (const sts of sets) {
    const hit = ordinalOfClaim(sts, claimName);
    if (hit) return sts.spec?.volumeClaimTemplates?.find((t) => t.metadata?.name === hit.template);
  }
  return undefined;
}

/** --claim NAMESPACE/NAME, or NAME (in -n or the context's namespace, known once connected). */
function parseClaimArg(text: string): { namespace?: string; name: string } {
  return text.includes('/') ? parseClaimRef(text) : { name: validateName('claim', text) };
}

export async function handle(args: PrebindArgs, ctx: CommandContext): Promise<void> {
  validateName('persistentvolume', args.volume);
  if (!!args.claim === !!args.statefulset) throw new UsageError('give either --claim NAME (or NAMESPACE/NAME) or --statefulset NAME --ordinal N');
  if (args.statefulset && args.ordinal === undefined) throw new UsageError('--statefulset needs --ordinal');
  // Every argument is checked before the first request.
  if (args.namespace) validateNamespace(args.namespace);
  const ordinal = args.statefulset ? validateOrdinal(args.ordinal) : 0;
  if (args.statefulset) validateName('statefulset', args.statefulset);
  validateClaimSpecArgs(args);
  const claimArg = args.claim ? parseClaimArg(args.claim) : undefined;
  const dryRun = dryRunFrom(args);
  const client = await clientFrom(args);
  try {
    const namespace = args.namespace || client.namespace;
    const files = args.filename ? await manifestObjects(args.filename, namespace, ctx.io.stdin) : [];
    const volume = await getObject<Volume>(client, 'PersistentVolume', args.volume);
    if (!volume) throw notFound('PersistentVolume', [args.volume]);
    const classes = (await listIfAllowed<StorageClass>(client, '/apis/storage.k8s.io/v1/storageclasses')) ?? [];
    let target: { namespace: string; name: string };
    let template: ClaimTemplate | undefined = templateFromFlags(args);
    if (claimArg) {
      target = { namespace: claimArg.namespace ?? namespace, name: claimArg.name };
      const t = target;
      // A claim a StatefulSet will create, live or in the files: its template says what it will ask.
      const sets = [
        ...((await listIfAllowed<StatefulSet>(client, collectionPath('apps/v1', 'statefulsets', t.namespace))) ?? []),
        ...files.filter((o): o is StatefulSet => o.kind === 'StatefulSet' && (o.metadata?.namespace ?? namespace) === t.namespace),
      ];
      template ??= objectIn<Claim>(files, 'PersistentVolumeClaim', t.name, t.namespace) ?? templateOfClaim(sets, t.name);
    } else {
      const sts =
        (await getObject<StatefulSet>(client, 'StatefulSet', args.statefulset!, namespace)) ??
        objectIn<StatefulSet>(files, 'StatefulSet', args.statefulset!, namespace);
      if (!sts && args.filename) throw new UsageError(`no StatefulSet ${args.statefulset} in namespace ${namespace}, live or in ${args.filename.join(', ')}`);
      if (sts) {
        const names = templateNames(sts);
        const tname = args.template ?? (names.length === 1 ? names[0] : undefined);
        if (!tname)
          throw new UsageError(`statefulset ${args.statefulset} has ${names.length} volumeClaimTemplates (${names.join(', ')}): choose one with --template`);
        const found = sts.spec?.volumeClaimTemplates?.find((t) => t.metadata?.name === tname);
        if (!found) throw new UsageError(`statefulset ${args.statefulset} has no volumeClaimTemplate "${tname}" (templates: ${names.join(', ')})`);
        template ??= found;
        target = { namespace, name: claimNameFor(tname, sts.metadata?.name ?? '', ordinal) };
      } else {
        if (!args.template)
          throw new UsageError(
            `statefulset ${args.statefulset} does not exist yet: name its volumeClaimTemplate with --template, or give its manifest with -f`,
          );
        target = { namespace, name: claimNameFor(args.template, args.statefulset!, ordinal) };
      }
    }
    const claim = await getObject<Claim>(client, 'PersistentVolumeClaim', target.name, target.namespace);
    const requirements = claim ? requirementsOf(claim) : template ? requirementsOfNewClaim(template, target, classes) : undefined;
    const ref = volume.spec?.claimRef;
    const currentClaim = ref?.name && ref.namespace ? await getObject<Claim>(client, 'PersistentVolumeClaim', ref.name, ref.namespace) : undefined;
    const nodes = volume.spec?.nodeAffinity ? await listIfAllowed<Node>(client, '/api/v1/nodes') : undefined;
    const result = planPrebind({ volume, target, requirements, claim, currentClaim, nodes, force: !!args.force });
    const plan: Plan = { command: `prebind ${args.volume} --claim ${target.namespace}/${target.name}`, changes: [], refusals: [] };
    if ('steps' in result) plan.changes.push(result);
    else plan.refusals.push(result);
    ctx.exitCode = await runPlan(client, plan, { dryRun, yes: !!args.yes, backupRoot: backupRootFrom(args, ctx.io.env), io: ctx.io, argv: ctx.argv });
  } finally {
    client.close();
  }
}
