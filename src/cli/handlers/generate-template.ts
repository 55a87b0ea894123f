import { stringify } from 'yaml';
import type { CommandContext } from '../commands/context.js';
import { say } from '../io.js';
import { clientFrom, type ClusterArgs } from '../options/cluster-options.js';
import { backupRootFrom, dryRunFrom, type RepairArgs } from '../options/repair-options.js';
import type { OwnerSyncArgs } from '../options/owner-options.js';
import { EXIT, UsageError } from '../errors.js';
import { validateName, validateNamespace } from '../validate.js';
import { runPlan } from '../run-plan.js';
import { snapshotFirst, type SnapshotFirstArgs } from '../snapshot-first.js';
import { cleanManifest, generateTemplates, planTemplateApply, podsNeedingRestart, strandedTemplates } from '../../fixes/generate-template.js';
import { listIfAllowed, readOwner, readStatefulSet } from '../../fixes/read.js';
import { recreateVerdict, withOwner } from '../../fixes/owner-policy.js';
import type { Claim, Pod, StorageClass, Volume } from '../../kube/types.js';
import { defaultClass } from '../../kube/binding.js';
import { parseQuantity } from '../../kube/quantity.js';

export interface GenerateTemplateArgs extends ClusterArgs, RepairArgs, OwnerSyncArgs, SnapshotFirstArgs {
  statefulset: string;
  size?: string;
  'storage-class'?: string;
  'access-mode'?: string[];
  apply?: boolean;
  'roll-pods'?: boolean;
}

const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];

export async function handle(args: GenerateTemplateArgs, ctx: CommandContext): Promise<void> {
  validateName('statefulset', args.statefulset);
  if (args.namespace) validateNamespace(args.namespace);
  if (args.size !== undefined && (parseQuantity(args.size) ?? 0) <= 0) throw new UsageError(`--size "${args.size}" is not a storage quantity (e.g. 10Gi)`);
  for (const m of args['access-mode'] ?? [])
    if (!ACCESS_MODES.includes(m)) throw new UsageError(`--access-mode "${m}" is not one of ${ACCESS_MODES.join(', ')}`);
  if (args['roll-pods'] && !args.apply) throw new UsageError('--roll-pods goes with --apply');
  const dryRun = dryRunFrom(args);
  const client = await clientFrom(args);
  try {
    const { sts, namespace: ns } = await readStatefulSet(client, args.statefulset, args.namespace);
    const claims = await client.list<Claim>(`/api/v1/namespaces/${encodeURIComponent(ns)}/persistentvolumeclaims`);
    const volumes = await listIfAllowed<Volume>(client, '/api/v1/persistentvolumes');
    const classes = await listIfAllowed<StorageClass>(client, '/apis/storage.k8s.io/v1/storageclasses');
    const generated = generateTemplates(sts, claims, volumes ?? [], {
      size: args.size,
      storageClass: args['storage-class'],
      accessModes: args['access-mode'],
      defaultClass: classes ? (defaultClass(classes)?.metadata?.name ?? null) : undefined,
    });
    // A template whose claims would stay Pending is refused with --apply, and flagged otherwise.
    const stranded = classes ? strandedTemplates(sts, generated, { volumes: volumes ?? [], storageClasses: classes, volumesRead: !!volumes }) : [];
    if (generated.length === 0) {
      say(ctx.io.stderr, ctx.io, `statefulset ${ns}/${args.statefulset}: every mount names a volume or a volumeClaimTemplate; nothing to generate`);
      ctx.exitCode = EXIT.OK;
      return;
    }
    for (const g of generated) for (const p of g.provenance) say(ctx.io.stderr, ctx.io, `template "${g.template.metadata?.name}": ${p}`);
    if (!args.apply) for (const s of stranded) say(ctx.io.stderr, ctx.io, `warning: ${s}`);
    if (!args.apply) {
      const manifest = cleanManifest(sts);
      manifest.spec!.volumeClaimTemplates = [...(manifest.spec!.volumeClaimTemplates ?? []), ...generated.map((g) => g.template)];
      ctx.io.stdout.write(stringify(manifest, { lineWidth: 0 }));
      say(
        ctx.io.stderr,
        ctx.io,
        'volumeClaimTemplates are immutable: `kubectl apply` of this manifest is refused; use --apply for the orphaning delete-and-recreate.',
      );
      ctx.exitCode = EXIT.OK;
      return;
    }
    const pods = await client.list<Pod>(`/api/v1/namespaces/${encodeURIComponent(ns)}/pods`);
    const stale = podsNeedingRestart(
      sts,
      pods.filter((p) => p.metadata?.ownerReferences?.some((o) => o.uid === sts.metadata?.uid)).map((p) => p.metadata?.name ?? ''),
    );
    const planned = planTemplateApply({ sts, generated, rollPods: args['roll-pods'] ? stale : [] });
    const setRef = { kind: 'StatefulSet', namespace: ns, name: args.statefulset };
    const result = stranded.length > 0 ? { target: setRef, reasons: stranded } : planned;
    const { owner, skipped } = await readOwner(client, sts);
    const verdict = recreateVerdict(owner, args.statefulset, [], { despiteOwnerSync: !!args['despite-owner-sync'], what: 'adding claim templates' });
    // The owner renders the set without these templates: its source must gain them too.
    if (verdict.owner && verdict.refusals.length === 0)
      verdict.nextSteps.push({
        text: `add the volumeClaimTemplates ${generated.map((g) => `"${g.template.metadata?.name}"`).join(', ')} to what ${verdict.owner} renders, or its next sync is refused (volumeClaimTemplates are immutable)`,
      });
    if ('steps' in result && stale.length > 0 && !args['roll-pods']) {
      result.warnings.push(
        `pods ${stale.join(', ')} exist and cannot gain a volume in place (pod volumes are immutable); they keep running without it until restarted: add --roll-pods, or delete them one at a time afterwards`,
      );
    }
    const plan = withOwner(
      {
        command: `generate-template ${args.statefulset} -n ${ns} --apply`,
        changes: 'steps' in result ? [result] : [],
        refusals: 'steps' in result ? [] : [result],
        warnings: skipped.map((s) => `owner: ${s}`),
      },
      verdict,
      setRef,
    );
    // The claims to protect are those of the templates the set is about to gain.
    const withTemplates = {
      ...sts,
      spec: { ...sts.spec!, volumeClaimTemplates: [...(sts.spec?.volumeClaimTemplates ?? []), ...generated.map((g) => g.template)] },
    };
    ctx.exitCode = await runPlan(client, await snapshotFirst(client, args, withTemplates, plan), {
      dryRun,
      yes: !!args.yes,
      backupRoot: backupRootFrom(args, ctx.io.env),
      io: ctx.io,
      argv: ctx.argv,
    });
  } finally {
    client.close();
  }
}
