import type { CommandContext } from '../commands/context.js';
import { clientFrom, type ClusterArgs } from '../options/cluster-options.js';
import { backupRootFrom, dryRunFrom, type RepairArgs } from '../options/repair-options.js';
import { UsageError } from '../errors.js';
import { validateName, validateNamespace } from '../validate.js';
import { runPlan } from '../run-plan.js';
import { manifestObjects, objectIn } from '../future-claims.js';
import { getObject, listIfAllowed } from '../../fixes/read.js';
import { planVolumeRestore, volumesByClaimRef, type RestoreSource, type RestoreTarget } from '../../fixes/restore.js';
import { notFound } from '../../kube/errors.js';
import { planSnapshotRestore, snapshotSetIds } from '../../fixes/restore-from-snapshots.js';
import { SNAPSHOT_API_VERSION, SNAPSHOT_SET_LABEL } from '../../kube/volume-snapshot.js';
import type { KubeClient } from '../../kube/client.js';
import { collectionPath } from '../../kube/resources.js';
import { replicasOf, startOrdinal, templateNames, type ClaimTemplate } from '../../kube/statefulset.js';
import type { Claim, Node, StatefulSet, StorageClass, Volume, VolumeSnapshot, VolumeSnapshotClass, VolumeSnapshotContent } from '../../kube/types.js';

export interface RestoreArgs extends ClusterArgs, RepairArgs {
  statefulset: string;
  'from-namespace'?: string;
  'from-statefulset'?: string;
  volumes?: string[];
  template?: string;
  filename?: string[];
  'from-snapshots'?: string;
}

export async function handle(args: RestoreArgs, ctx: CommandContext): Promise<void> {
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
  if (args['from-snapshots'] !== undefined && (args.volumes || args['from-statefulset'] || args.template))
    throw new UsageError(
      '--from-snapshots restores every ordinal of every template from one snapshot set (its labels name them): it excludes --volumes, --from-statefulset and --template',
    );
  const dryRun = dryRunFrom(args);
  const client = await clientFrom(args);
  try {
    const namespace = args.namespace || client.namespace;
    const files = args.filename ? await manifestObjects(args.filename, namespace, ctx.io.stdin) : [];
    const live = await getObject<StatefulSet>(client, 'StatefulSet', args.statefulset, namespace);
    const sts = live ?? objectIn<StatefulSet>(files, 'StatefulSet', args.statefulset, namespace);
    if (args['from-snapshots'] !== undefined) {
      if (!sts)
        throw new UsageError(
          `--from-snapshots needs the StatefulSet's templates: statefulset ${args.statefulset} is not live in ${namespace}; give its manifest with -f`,
        );
      const from = args['from-namespace'];
      const plan = await planFromSnapshots(
        client,
        { ...sts, metadata: { ...sts.metadata, namespace } },
        !!live,
        args['from-snapshots'],
        from,
        `restore ${args.statefulset} -n ${namespace} --from-snapshots ${args['from-snapshots']}${from ? ` --from-namespace ${from}` : ''}`,
      );
      ctx.exitCode = await runPlan(client, plan, { dryRun, yes: !!args.yes, backupRoot: backupRootFrom(args, ctx.io.env), io: ctx.io, argv: ctx.argv });
      return;
    }
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
    ctx.exitCode = await runPlan(client, plan, { dryRun, yes: !!args.yes, backupRoot: backupRootFrom(args, ctx.io.env), io: ctx.io, argv: ctx.argv });
  } finally {
    client.close();
  }
}

/** The snapshot set's snapshots (of --from-namespace for a clone), their contents (when readable) and the classes, read for the restore's plan. */
async function planFromSnapshots(client: KubeClient, sts: StatefulSet, live: boolean, setId: string, fromNamespace: string | undefined, command: string) {
  const namespace = sts.metadata!.namespace!;
  const source = fromNamespace ?? namespace;
  const listSnapshots = (ns: string) =>
    client.list<VolumeSnapshot>(collectionPath(SNAPSHOT_API_VERSION, 'volumesnapshots', ns)).catch((err: unknown) => {
      throw new UsageError(`cannot list VolumeSnapshots in ${ns}: ${(err as Error).message}`);
    });
  const snapshots = await listSnapshots(source);
  if (!snapshots.some((s) => s.metadata?.labels?.[SNAPSHOT_SET_LABEL] === setId)) {
    const ids = snapshotSetIds(snapshots);
    throw new UsageError(
      `no snapshot set ${setId} in namespace ${source}${ids.length ? ` (there are: ${ids.join(', ')})` : ''}; \`kubectl sts-storage snapshots STS\` lists them`,
    );
  }
  const clone = source !== namespace;
  const [contents, snapshotClasses, classes, claims, targetSnapshots] = await Promise.all([
    listIfAllowed<VolumeSnapshotContent>(client, collectionPath(SNAPSHOT_API_VERSION, 'volumesnapshotcontents')),
    listIfAllowed<VolumeSnapshotClass>(client, collectionPath(SNAPSHOT_API_VERSION, 'volumesnapshotclasses')),
    listIfAllowed<StorageClass>(client, '/apis/storage.k8s.io/v1/storageclasses'),
    client.list<Claim>(collectionPath('v1', 'persistentvolumeclaims', namespace)),
    clone ? listSnapshots(namespace) : Promise.resolve([]),
  ]);
  return planSnapshotRestore(
    {
      sts,
      live,
      setId,
      snapshots,
      contents,
      snapshotClasses: snapshotClasses ?? [],
      classes: classes ?? [],
      claims: new Map(claims.map((c) => [c.metadata?.name ?? '', c])),
      ...(clone ? { fromNamespace: source, targetSnapshotNames: new Set(targetSnapshots.map((s) => s.metadata?.name ?? '')) } : {}),
    },
    command,
  );
}
