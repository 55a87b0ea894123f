import type { Argv, CommandModule } from 'yargs';
import { notFound } from '../../kube/errors.js';
import type { CommandContext } from './context.js';
import { clientFrom, withClusterOptions, type ClusterArgs } from '../options/cluster-options.js';
import { backupRootFrom, dryRunFrom, withRepairOptions, type RepairArgs } from '../options/repair-options.js';
import { UsageError } from '../errors.js';
import { parseClaimRef, validateName, validateNamespace, validateOrdinal } from '../validate.js';
import { runPlan } from '../run-plan.js';
import { planPrebind } from '../../fixes/prebind.js';
import { getObject, listIfAllowed } from '../../fixes/read.js';
import type { Plan } from '../../fixes/plan.js';
import type { Claim, Node, StatefulSet, StorageClass, Volume } from '../../kube/types.js';
import { claimClass, claimHasClass, defaultClass, requirementsOf, requirementsOfTemplate, type ClaimRequirements } from '../../kube/binding.js';
import { claimNameFor, templateNames } from '../../kube/statefulset.js';

interface PrebindArgs extends ClusterArgs, RepairArgs {
  volume: string;
  claim?: string;
  statefulset?: string;
  ordinal?: number;
  template?: string;
}

export function prebindCommand(ctx: CommandContext): CommandModule<object, PrebindArgs> {
  return {
    command: 'prebind <volume>',
    describe: 'Reserve a PV for exactly one claim, including a StatefulSet ordinal claim that does not exist yet',
    builder: (y: Argv) =>
      withRepairOptions(withClusterOptions(y))
        .positional('volume', { type: 'string', demandOption: true, describe: 'PersistentVolume name' })
        .option('claim', { type: 'string', describe: 'NAMESPACE/NAME of the claim' })
        .option('statefulset', { type: 'string', describe: 'StatefulSet whose ordinal claim gets the PV (with --ordinal)' })
        .option('ordinal', { type: 'number', describe: 'Ordinal of the StatefulSet pod' })
        .option('template', { type: 'string', describe: 'volumeClaimTemplate name (needed when the StatefulSet has several)' })
        .example('$0 prebind pv-fast-1 --statefulset db --ordinal 0 -n shop', 'data-db-0 will bind pv-fast-1 when the StatefulSet creates it')
        .example('$0 prebind pv-old --claim shop/restore', 'Give retained data to claim shop/restore') as unknown as Argv<PrebindArgs>,
    handler: async (args) => {
      validateName('persistentvolume', args.volume);
      if (!!args.claim === !!args.statefulset) throw new UsageError('give either --claim NAMESPACE/NAME or --statefulset NAME --ordinal N');
      if (args.statefulset && args.ordinal === undefined) throw new UsageError('--statefulset needs --ordinal');
      // Every argument is checked before the first request.
      const claimRef = args.claim ? parseClaimRef(args.claim) : undefined;
      const ordinal = args.statefulset ? validateOrdinal(args.ordinal) : 0;
      if (args.statefulset) validateName('statefulset', args.statefulset);
      if (args.namespace) validateNamespace(args.namespace);
      const dryRun = dryRunFrom(args);
      const client = await clientFrom(args);
      try {
        const volume = await getObject<Volume>(client, 'PersistentVolume', args.volume);
        if (!volume) throw notFound('PersistentVolume', [args.volume]);
        const classes = (await listIfAllowed<StorageClass>(client, '/apis/storage.k8s.io/v1/storageclasses')) ?? [];
        let requirements: ClaimRequirements;
        let claim: Claim | undefined;
        if (claimRef) {
          const ref = claimRef;
          claim = await getObject<Claim>(client, 'PersistentVolumeClaim', ref.name, ref.namespace);
          if (!claim)
            throw new UsageError(`claim ${ref.namespace}/${ref.name} does not exist; for a claim a StatefulSet will create use --statefulset and --ordinal`);
          requirements = requirementsOf(claim);
        } else {
          const namespace = args.namespace || client.namespace;
          const sts = await getObject<StatefulSet>(client, 'StatefulSet', args.statefulset!, namespace);
          if (!sts) throw notFound('StatefulSet', [args.statefulset!], namespace);
          const names = templateNames(sts);
          const tname = args.template ?? (names.length === 1 ? names[0] : undefined);
          if (!tname)
            throw new UsageError(`statefulset ${args.statefulset} has ${names.length} volumeClaimTemplates (${names.join(', ')}): choose one with --template`);
          const template = sts.spec?.volumeClaimTemplates?.find((t) => t.metadata?.name === tname);
          if (!template) throw new UsageError(`statefulset ${args.statefulset} has no volumeClaimTemplate "${tname}" (templates: ${names.join(', ')})`);
          const claimName = claimNameFor(tname, sts.metadata?.name ?? '', ordinal);
          claim = await getObject<Claim>(client, 'PersistentVolumeClaim', claimName, namespace);
          // A claim created from a template without a class gets the default class at admission.
          const className = claimHasClass(template) ? claimClass(template) : (defaultClass(classes)?.metadata?.name ?? '');
          requirements = claim ? requirementsOf(claim) : requirementsOfTemplate(template, { namespace, name: claimName, className });
        }
        const ref = volume.spec?.claimRef;
        const currentClaim = ref?.name && ref.namespace ? await getObject<Claim>(client, 'PersistentVolumeClaim', ref.name, ref.namespace) : undefined;
        const nodes = volume.spec?.nodeAffinity ? await listIfAllowed<Node>(client, '/api/v1/nodes') : undefined;
        const result = planPrebind({ volume, requirements, claim, currentClaim, nodes, force: !!args.force });
        const plan: Plan = { command: `prebind ${args.volume} --claim ${requirements.namespace}/${requirements.name}`, changes: [], refusals: [] };
        if ('steps' in result) plan.changes.push(result);
        else plan.refusals.push(result);
        ctx.exitCode = await runPlan(client, plan, { dryRun, yes: !!args.yes, backupRoot: backupRootFrom(args, ctx.io.env), io: ctx.io });
      } finally {
        client.close();
      }
    },
  };
}
