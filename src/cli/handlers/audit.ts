import type { CommandContext } from '../commands/context.js';
import { clientFrom, namespaceFrom, type ClusterArgs } from '../options/cluster-options.js';
import { outputWidth, say, startSpinner, stderrPaint, stdoutPaint, unicodeTerminal } from '../io.js';
import { EXIT, InputError, UsageError } from '../errors.js';
import { loadSnapshotFromCluster } from '../../snapshot/load-from-cluster.js';
import { readManifests } from '../../snapshot/load-from-manifests.js';
import { addPhase, timed } from '../../kube/timing.js';
import { snapshotFromObjects } from '../../snapshot/from-objects.js';
import { mergeForPreflight, PREDICTED_ANNOTATION } from '../../snapshot/preflight.js';
import { askServer, type ServerVerdict } from '../../snapshot/server-verdicts.js';
import { ManifestValidator, serverSchema } from '../../snapshot/validate-manifest.js';
import type { KubeClient } from '../../kube/client.js';
import { predictClaims, type ClaimPrediction } from '../../analysis/predict-claims.js';
import type { ClusterSnapshot, SnapshotData } from '../../snapshot/cluster-snapshot.js';
import { KINDS, kindInfo, resourceInfo } from '../../kube/resources.js';
import type { SkippedCheck } from '../../checks/run-checks.js';
import { runChecks } from '../../checks/run-checks.js';
import { ALL_CHECKS } from '../../checks/index.js';
import type { Finding, Severity } from '../../checks/check.js';
import { buildReport, type AuditReport, type OfflineCoverage } from '../../output/report.js';
import { renderTable } from '../../output/table.js';
import { serialize } from '../../output/serialize.js';
import { renderSarif } from '../../output/sarif.js';
import { parseDuration } from '../../kube/time.js';
import { matchesLabelRequirements, parseLabelSelector } from '../../kube/labels.js';
import type { KubeObject } from '../../kube/types.js';
import { readClusterWith } from '../audit-cluster.js';
import { setOwners } from '../../output/set-owners.js';
import { auditFleet, fleetContexts, isFleet } from '../fleet-audit.js';
import { exitFor, fleetExitCode } from '../audit-exit.js';
import { buildFleetReport, renderFleetSarif, type ClusterResult } from '../../output/fleet-report.js';
import { renderFleetTable } from '../../output/fleet-table.js';

/** What -o accepts (the command's choices are checked against it). */
export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml' | 'sarif';

export interface AuditArgs extends ClusterArgs {
  statefulsets?: string[];
  selector?: string;
  output: OutputFormat;
  'fail-on': Severity | 'never';
  'pending-threshold': string;
  filename?: string[];
  recursive?: boolean;
  preflight?: boolean;
  'continue-on-error'?: boolean;
  strict?: boolean;
  now?: string;
  'all-contexts'?: boolean;
  'max-concurrency': number;
}

export async function handle(args: AuditArgs, ctx: CommandContext): Promise<void> {
  ctx.exitCode = await runAudit(args, ctx);
}

function nowFrom(args: AuditArgs): number {
  if (args.now === undefined) return Date.now();
  const t = Date.parse(args.now);
  if (Number.isNaN(t)) throw new UsageError(`--now "${args.now}" is not an RFC 3339 time`);
  return t;
}

function pendingThreshold(text: string): number {
  try {
    return parseDuration(text);
  } catch (err) {
    throw new UsageError(`--pending-threshold: ${(err as Error).message}`);
  }
}

interface Source {
  snapshot: ClusterSnapshot;
  scope: AuditReport['scope'];
  predictions?: ClaimPrediction[];
  serverVerdicts?: ServerVerdict[];
  errors: string[];
  /** read from files alone: the checks that need a cluster are expected to be skipped, and said as coverage */
  offline?: boolean;
}

async function readCluster(args: AuditArgs, ctx: CommandContext): Promise<Source> {
  const client = await clientFrom(args);
  const spinner = await startSpinner(ctx.io, `Reading ${client.server}…`);
  try {
    return { ...(await readClusterWith(client, args, namespaceFrom(args, client), nowFrom(args))), errors: [] };
  } finally {
    spinner.stop();
    client.close();
  }
}

const OFFLINE = 'not in the manifests, and the cluster is not read without --preflight';

async function readFiles(args: AuditArgs, ctx: CommandContext): Promise<Source> {
  // With --preflight the files are judged by the schema the cluster's own API server publishes.
  const client = args.preflight ? await clientFrom(args) : undefined;
  try {
    const validator = client ? new ManifestValidator(await serverSchema(client)) : undefined;
    return await readFilesWith(args, ctx, client, validator);
  } finally {
    client?.close();
  }
}

async function readFilesWith(args: AuditArgs, ctx: CommandContext, client: KubeClient | undefined, validator: ManifestValidator | undefined): Promise<Source> {
  const load = await readManifests({
    paths: args.filename!,
    recursive: !!args.recursive,
    stdin: ctx.io.stdin,
    namespace: args.namespace || 'default',
    validator,
    strict: !!args.strict,
  });
  // As the API server: unknown and duplicate fields are warnings (errors under --strict).
  const paint = stderrPaint(ctx.io);
  for (const w of load.warnings) say(ctx.io.stderr, ctx.io, paint('yellow', `warning: ${w.message}`));
  const errors = load.errors.map((e) => e.message);
  if (errors.length > 0 && !args['continue-on-error']) {
    for (const e of errors) say(ctx.io.stderr, ctx.io, `error: ${e}`);
    const documents = new Set(load.errors.map((e) => `${e.file}#${e.document ?? ''}`)).size;
    throw new InputError(`${documents} document(s) could not be read or are invalid; fix them, or pass --continue-on-error to audit the rest`);
  }
  let objects: KubeObject[] = load.objects;
  if (args.statefulsets?.length || args.selector) {
    const reqs = args.selector ? parseLabelSelector(args.selector) : [];
    objects = objects.filter(
      (o) =>
        o.kind !== 'StatefulSet' ||
        ((!args.statefulsets?.length || args.statefulsets.includes(o.metadata?.name ?? '')) && matchesLabelRequirements(reqs, o.metadata?.labels)),
    );
  }
  const scope: AuditReport['scope'] = {
    source: 'manifests',
    allNamespaces: true,
    files: load.files,
    selector: args.selector,
    statefulSets: args.statefulsets?.length ? args.statefulsets : undefined,
  };
  if (client) {
    const spinner = await startSpinner(ctx.io, `Reading ${client.server} for the preflight…`);
    try {
      // The preflight reports on what the manifests touch: their namespaces (or -n), the whole cluster only with -A.
      const namespace = args.namespace && !args['all-namespaces'] ? args.namespace : undefined;
      const fileNamespaces = [...new Set(objects.flatMap((o) => (kindInfo(o.kind)?.namespaced && o.metadata?.namespace ? [o.metadata.namespace] : [])))].sort();
      const reported = namespace ? [namespace] : args['all-namespaces'] || fileNamespaces.length === 0 ? undefined : fileNamespaces;
      const cluster = await loadSnapshotFromCluster(client, { scope: { namespace }, chunkSize: args['chunk-size'] });
      const { snapshot, statefulSets } = mergeForPreflight(cluster, objects, load.locations, reported);
      const predictions = predictClaims(snapshot, statefulSets);
      const serverVerdicts = await askServer(client, objects, load.locations);
      return {
        snapshot,
        serverVerdicts,
        predictions: reported ? predictions.filter((p) => reported.includes(p.statefulSet.split('/')[0]!)) : predictions,
        errors,
        scope: {
          ...scope,
          server: cluster.server,
          serverVersion: cluster.serverVersion?.gitVersion,
          ...(namespace ? { namespace, allNamespaces: false } : reported ? { namespaces: reported, allNamespaces: false } : {}),
        },
      };
    } finally {
      spinner.stop();
    }
  }
  // Offline, a check is decided only from what the files carry.
  const kinds = new Set(objects.map((o) => o.kind));
  const unavailable: SnapshotData['unavailable'] = {};
  for (const { kind, resource, inManifests } of KINDS) {
    if (!inManifests) unavailable[resource] = OFFLINE;
    else if (!kinds.has(kind)) unavailable[resource] = `no ${kind} in the manifests (the cluster's are not read without --preflight)`;
  }
  return {
    snapshot: snapshotFromObjects(objects, { source: 'manifests', unavailable, locations: load.locations, now: nowFrom(args) }),
    errors,
    scope,
    offline: true,
  };
}

/** What the files alone could be checked for; the rest needs a cluster, which is the normal case offline, not a warning. */
function offlineCoverage(snapshot: ClusterSnapshot, skipped: SkippedCheck[]): OfflineCoverage {
  const skippedCodes = new Set(skipped.map((s) => s.check));
  const kinds = new Set<string>();
  for (const check of ALL_CHECKS) if (skippedCodes.has(check.code)) for (const r of check.needs) if (!snapshot.has(r)) kinds.add(resourceInfo(r).kind);
  const owners = ALL_CHECKS.some((c) => c.needsOwners && skippedCodes.has(c.code));
  return {
    checks: ALL_CHECKS.length - skipped.length,
    statefulSets: snapshot.statefulSets.length,
    needCluster: skipped.length,
    kinds: [...KINDS.map((k) => k.kind).filter((k) => kinds.has(k)), ...(owners ? ['StatefulSet owners'] : [])],
  };
}

/** Findings about claims the StatefulSets have not created yet say so. */
function markPredicted(findings: Finding[], snapshot: ClusterSnapshot): void {
  for (const f of findings) {
    const subject = f.object.kind === 'PersistentVolumeClaim' ? f.object : f.related.find((r) => r.kind === 'PersistentVolumeClaim');
    const claim = subject ? snapshot.claim(subject.namespace, subject.name) : undefined;
    if (claim?.metadata?.annotations?.[PREDICTED_ANNOTATION] === 'true') {
      f.message = `after apply: ${f.message}`;
      f.evidence.unshift(`predicted: claim ${claim.metadata.name} does not exist yet; the StatefulSet will create it`);
    }
  }
}

/** A claim predicted to stay Pending points to the finding that reports its cause. */
function nameCauseFindings(predictions: ClaimPrediction[], findings: Finding[]): void {
  for (const p of predictions) {
    if (!p.cause) continue;
    const [namespace] = p.statefulSet.split('/');
    const f = findings.find((x) => x.object.kind === 'PersistentVolumeClaim' && x.object.name === p.claim && x.object.namespace === namespace);
    if (f) p.detail += ` (see ${f.code} on claim ${p.claim})`;
  }
}

async function runAudit(args: AuditArgs, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const threshold = pendingThreshold(args['pending-threshold']);
  if (!args.filename && (args.preflight || args.recursive || args['continue-on-error'] || args.strict))
    throw new UsageError('--preflight, -R, --strict and --continue-on-error go with -f');
  if (isFleet(args)) return runFleetAudit(args, ctx, threshold);
  addPhase('start', performance.now());
  const reading = performance.now();
  const source = args.filename ? await readFiles(args, ctx) : await readCluster(args, ctx);
  addPhase('read', performance.now() - reading);
  const { findings, skipped } = timed('checks', () => runChecks(source.snapshot, { pendingThresholdMs: threshold }));
  if (source.scope.selector && source.snapshot.statefulSets.length === 0 && !source.snapshot.unavailable.statefulsets) {
    // As kubectl says "No resources found": the selector matched nothing, so nothing was checked.
    say(io.stderr, io, `No StatefulSet matches -l ${source.scope.selector} ${scopeText({ ...source.scope, selector: undefined })}.`);
  }
  if (source.predictions) {
    markPredicted(findings, source.snapshot);
    nameCauseFindings(source.predictions, findings);
  }
  const report = buildReport(source.scope, findings, skipped, {
    ...(source.predictions ? { preflight: source.predictions } : {}),
    ...(source.errors.length ? { errors: source.errors } : {}),
    ...(source.offline ? { offline: offlineCoverage(source.snapshot, skipped) } : {}),
    ...(source.serverVerdicts ? { serverVerdicts: source.serverVerdicts } : {}),
    ...(source.snapshot.source === 'cluster' ? setOwners(source.snapshot) : {}),
  });
  // Refusals first: a report never opens with an all-clear on a document it could not read.
  for (const e of source.errors) say(io.stderr, io, `error: ${e}`);
  timed('render', () => writeReport(report, args.output, ctx));
  // A kind that is not installed (no snapshot CRDs) is a fact the report states, not a gap to warn about.
  const gaps = skipped.filter((s) => !s.notInstalled);
  if (gaps.length > 0 && !source.offline) {
    const paint = stderrPaint(io);
    const reasons = new Set(gaps.map((s) => s.reason));
    say(
      io.stderr,
      io,
      paint(
        'yellow',
        `warning: ${gaps.length} check(s) could not run: ${gaps[0]!.reason}${reasons.size > 1 ? ` (and ${reasons.size - 1} other reason(s))` : ''}`,
      ),
    );
  }
  // Who owns a set decides what a repair may do: a gap there is said, not hidden in the JSON.
  for (const gap of report.ownersSkipped ?? []) say(io.stderr, io, stderrPaint(io)('yellow', `warning: owners: ${gap}`));
  if (source.errors.length > 0) return EXIT.USAGE;
  return exitFor(report, args['fail-on']);
}

/** Several contexts: each cluster read and audited as a single audit would, into one report. */
async function runFleetAudit(args: AuditArgs, ctx: CommandContext, threshold: number): Promise<number> {
  const { io } = ctx;
  if (args.filename) throw new UsageError('-f audits files, not clusters: it takes no --all-contexts or list of contexts');
  const contexts = await fleetContexts(args);
  const spinner = await startSpinner(io, `Reading ${contexts.length} clusters…`);
  let results: ClusterResult[];
  try {
    results = await auditFleet(contexts, args, {
      now: nowFrom(args),
      pendingThresholdMs: threshold,
      onDone: (done) => spinner.update(`Reading ${contexts.length} clusters… ${done} done`),
    });
  } finally {
    spinner.stop();
  }
  const format = args.output;
  if (format === 'json' || format === 'yaml') io.stdout.write(serialize(buildFleetReport(results), format));
  else if (format === 'sarif') io.stdout.write(JSON.stringify(renderFleetSarif(results, ALL_CHECKS), null, 2) + '\n');
  else
    io.stdout.write(
      renderFleetTable(results, {
        wide: format === 'wide',
        paint: stdoutPaint(io),
        width: outputWidth(io),
        ascii: !unicodeTerminal(io.env),
        scopeText: (c) => (c.status === 'audited' ? scopeText(c.report.scope) : ''),
      }),
    );
  // Machine output on stdout stays whole; a cluster that was not audited is also said where people look.
  const paint = stderrPaint(io);
  for (const c of results) if (c.status !== 'audited') say(io.stderr, io, paint('red', `error: cluster ${c.context}: ${c.error}`));
  return fleetExitCode(results, args['fail-on']);
}

export function writeReport(report: AuditReport, format: OutputFormat, ctx: CommandContext): void {
  const { io } = ctx;
  if (format === 'json' || format === 'yaml') {
    io.stdout.write(serialize(report, format));
    return;
  }
  if (format === 'sarif') {
    io.stdout.write(JSON.stringify(renderSarif(report, ALL_CHECKS), null, 2) + '\n');
    return;
  }
  // A terminal wraps to its width; a pipe gets unwrapped lines (grep-friendly) unless COLUMNS says otherwise.
  const width = outputWidth(io);
  io.stdout.write(
    renderTable(report, {
      wide: format === 'wide',
      paint: stdoutPaint(io),
      width,
      ascii: !unicodeTerminal(io.env),
      scopeText: scopeText(report.scope),
      emptyHint: report.scope.source === 'cluster' && !report.scope.allNamespaces ? 'use -A for all namespaces' : undefined,
    }),
  );
}

/** What the audit covered, said as kubectl says it: "in namespace shop", "in all namespaces". */
export function scopeText(scope: AuditReport['scope']): string {
  if (scope.source === 'manifests') {
    const files = scope.files ?? [];
    const where = scope.namespace
      ? `, namespace ${scope.namespace}`
      : scope.namespaces?.length
        ? `, namespace${scope.namespaces.length > 1 ? 's' : ''} ${scope.namespaces.join(', ')}`
        : '';
    return `in ${files.length === 1 ? files[0] : `${files.length} files`}${scope.server ? ` laid over ${scope.server}${scope.serverVersion ? ` (Kubernetes ${scope.serverVersion})` : ''}${where}` : ''}`;
  }
  const where = `${scope.allNamespaces ? 'all namespaces' : `namespace ${scope.namespace}`}${scope.serverVersion ? ` (Kubernetes ${scope.serverVersion})` : ''}`;
  const what = scope.statefulSets?.length
    ? `statefulset${scope.statefulSets.length > 1 ? 's' : ''} ${scope.statefulSets.join(', ')} of `
    : scope.selector
      ? `the StatefulSets matching ${scope.selector} in `
      : '';
  return `in ${what}${where}`;
}
