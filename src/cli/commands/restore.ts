import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { clientFrom, withClusterOptions, type ClusterArgs } from '../options/cluster-options.js';
import { backupRootFrom, dryRunFrom, withRepairOptions, type RepairArgs } from '../options/repair-options.js';
import { UsageError } from '../errors.js';
import { validateName, validateNamespace } from '../validate.js';
import { runPlan } from '../run-plan.js';
import { manifestObjects, objectIn } from '../future-claims.js';
import { getObject, listIfAllowed } from '../../fixes/read.js';
import { planVolumeRestore, volumesByClaimRef, type RestoreSource, type RestoreTarget } from '../../fixes/restore.js';
import { notFound } from '../../kube/errors.js';
import { collectionPath } from '../../kube/resources.js';
import { replicasOf, startOrdinal, templateNames, type ClaimTemplate } from '../../kube/statefulset.js';
import type { Claim, Node, StatefulSet, StorageClass, Volume } from '../../kube/types.js';

interface RestoreArgs extends ClusterArgs, RepairArgs {
  statefulset: string;
  'from-namespace'?: string;
  'from-statefulset'?: string;
  volumes?: string[];
  template?: string;
  filename?: string[];
}

export function restoreCommand(ctx: CommandContext): CommandModule<object, RestoreArgs> {
  return {
    command: 'restore <statefulset>',
    describe: 'Give a StatefulSet its retained volumes back, one PV per ordinal: before it exists, under another name, in another namespace',
    builder: (y: Argv) =>
      withRepairOptions(withClusterOptions(y))
        .positional('statefulset', { type: 'string', demandOption: true, describe: 'The StatefulSet that gets the data (it may not exist yet)' })
        .option('from-namespace', { type: 'string', describe: 'Where the old claims were (default: -n)' })
        .option('from-statefulset', { type: 'string', describe: "The old StatefulSet name in the PVs' claimRefs (default: the same name)" })
        .option('volumes', {
          type: 'string',
          array: true,
          coerce: (v: string[]) => v.flatMap((x) => x.split(',')).filter(Boolean),
          describe: 'PVs in ordinal order (pv-a,pv-b,pv-c gives ordinals 0, 1, 2 from ordinals.start), instead of matching claimRefs',
        })
        .option('template', { type: 'string', describe: 'volumeClaimTemplate of the PVs (with --volumes, when the set has several or is not known)' })
        .option('filename', { alias: 'f', type: 'string', array: true, describe: 'Manifest of the StatefulSet to be applied, when it does not exist yet' })
        .example('$0 restore web -n shop --dry-run', "Released PVs of data-web-N in shop go back to web's ordinals")
        .example('$0 restore web -n new -f web.yaml --from-namespace old', 'Move the data of old/web to the web that web.yaml creates in new')
        .example('$0 restore db -n shop --volumes pv-a,pv-b,pv-c --template data', 'An explicit ordered list') as unknown as Argv<RestoreArgs>,
    handler: async (args) => {
      validateName('statefulset', args.statefulset);
      if (args.namespace) validateNamespace(args.namespace);
      if (args['all-namespaces']) throw new UsageError('restore gives data to one StatefulSet of one namespace: use -n NAMESPACE, not -A');
      if (args['from-namespace']) validateNamespace(args['from-namespace']);
      if (args['from-statefulset']) validateName('statefulset', args['from-statefulset']);
      for (const v of args.volumes ?? []) validateName('persistentvolume', v);
      if (args.volumes && (args['from-namespace'] || args['from-statefulset']))
        throw new UsageError('--volumes names the PVs itself: it excludes --from-namespace and --from-statefulset');
      if (args.force) throw new UsageError('restore never takes a PV from a live claim: --force is not accepted (release the claim first)');
      if (args.volumes?.length === 0) throw new UsageError('--volumes needs at least one PersistentVolume name');
      const dryRun = dryRunFrom(args);
      const client = await clientFrom(args);
      try {
        const namespace = args.namespace || client.namespace;
        const files = args.filename ? await manifestObjects(args.filename, namespace, ctx.io.stdin) : [];
        const live = await getObject<StatefulSet>(client, 'StatefulSet', args.statefulset, namespace);
        const sts = live ?? objectIn<StatefulSet>(files, 'StatefulSet', args.statefulset, namespace);
        if (!sts && args.filename) throw new UsageError(`no StatefulSet ${args.statefulset} in namespace ${namespace}, live or in ${args.filename.join(', ')}`);
        const names = sts ? templateNames(sts) : undefined;
        const target: RestoreTarget = {
          namespace,
          name: args.statefulset,
          start: sts ? startOrdinal(sts) : 0,
          replicas: sts ? replicasOf(sts) : undefined,
          templates: sts ? new Map((sts.spec?.volumeClaimTemplates ?? []).map((t) => [t.metadata?.name ?? '', t as ClaimTemplate])) : undefined,
        };
        if (args.template && names && !names.includes(args.template))
          throw new UsageError(`statefulset ${args.statefulset} has no volumeClaimTemplate "${args.template}" (templates: ${names.join(', ')})`);
        const allVolumes = await client.list<Volume>('/api/v1/persistentvolumes');
        let sources: RestoreSource[];
        if (args.volumes) {
          const template = args.template ?? (names?.length === 1 ? names[0] : undefined);
          if (!template)
            throw new UsageError(
              names
                ? `statefulset ${args.statefulset} has ${names.length} volumeClaimTemplates (${names.join(', ')}): choose one with --template`
                : `statefulset ${args.statefulset} is not known (not live, no -f): name its volumeClaimTemplate with --template`,
            );
          const byName = new Map(allVolumes.map((v) => [v.metadata?.name ?? '', v]));
          const missing = args.volumes.filter((v) => !byName.has(v));
          if (missing.length > 0) throw notFound('PersistentVolume', missing);
          sources = args.volumes.map((v, i) => ({ volume: byName.get(v)!, template, ordinal: target.start + i }));
        } else {
          const fromNs = args['from-namespace'] ?? namespace;
          const fromSet = args['from-statefulset'] ?? args.statefulset;
          sources = volumesByClaimRef(allVolumes, fromNs, fromSet, args.template ? [args.template] : names);
          if (sources.length === 0)
            throw new UsageError(
              `no PV has a claimRef to a claim <template>-${fromSet}-<ordinal> in namespace ${fromNs}${names ? ` (templates: ${names.join(', ')})` : ''}; name the PVs with --volumes`,
            );
        }
        const claims = new Map((await client.list<Claim>(collectionPath('v1', 'persistentvolumeclaims', namespace))).map((c) => [c.metadata?.name ?? '', c]));
        const currentClaims = new Map<string, Claim>();
        for (const s of sources) {
          const ref = s.volume.spec?.claimRef;
          const current = ref?.name && ref.namespace ? await getObject<Claim>(client, 'PersistentVolumeClaim', ref.name, ref.namespace) : undefined;
          if (current) currentClaims.set(s.volume.metadata?.name ?? '', current);
        }
        const classes = (await listIfAllowed<StorageClass>(client, '/apis/storage.k8s.io/v1/storageclasses')) ?? [];
        const nodes = sources.some((s) => s.volume.spec?.nodeAffinity) ? await listIfAllowed<Node>(client, '/api/v1/nodes') : undefined;
        const flags = [
          args['from-namespace'] ? ` --from-namespace ${args['from-namespace']}` : '',
          args['from-statefulset'] ? ` --from-statefulset ${args['from-statefulset']}` : '',
          args.volumes ? ` --volumes ${args.volumes.join(',')}` : '',
          args.template ? ` --template ${args.template}` : '',
        ].join('');
        const plan = planVolumeRestore({ target, sources, claims, currentClaims, classes, nodes }, `restore ${args.statefulset} -n ${namespace}${flags}`);
        if (!sts) plan.warnings.push(`statefulset ${args.statefulset} is not known (not live, no -f): each PV is checked only when its claim appears`);
        ctx.exitCode = await runPlan(client, plan, { dryRun, yes: !!args.yes, backupRoot: backupRootFrom(args, ctx.io.env), io: ctx.io });
      } finally {
        client.close();
      }
    },
  };
}
