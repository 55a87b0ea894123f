// What a claim that does not exist yet will ask for, for prebind and restore:
// the live StatefulSet's template, a StatefulSet or claim in -f files (a set
// about to be applied), or --size/--access-mode/--storage-class. With none of
// them the planners list the binder's checks instead of guessing.
import type { Readable } from 'node:stream';
import { parseQuantity } from '../kube/quantity.js';
import type { KubeObject } from '../kube/types.js';
import type { ClaimTemplate } from '../kube/statefulset.js';
import { readManifests } from '../snapshot/load-from-manifests.js';
import { InputError, UsageError } from './errors.js';
import type { ClaimSpecArgs } from './options/claim-spec-options.js';

export function validateClaimSpecArgs(args: ClaimSpecArgs): void {
  if (args.size !== undefined && parseQuantity(args.size) === undefined) throw new UsageError(`--size "${args.size}" is not a quantity (e.g. 10Gi, 500Mi)`);
  if (args.size === undefined && (args['access-mode'] || args['storage-class'] !== undefined))
    throw new UsageError('--access-mode and --storage-class describe the claim together with --size');
  if (args.size !== undefined && args.filename) throw new UsageError('--size and -f exclude each other: the manifest says what the claim asks for');
}

/** A template made of the flags, as a claim created with them would be. */
export function templateFromFlags(args: ClaimSpecArgs): ClaimTemplate | undefined {
  if (args.size === undefined) return undefined;
  const spec: NonNullable<ClaimTemplate['spec']> = { resources: { requests: { storage: args.size } } };
  if (args['access-mode']) spec.accessModes = args['access-mode'];
  if (args['storage-class'] !== undefined) spec.storageClassName = args['storage-class'];
  return { spec };
}

/** The objects of -f files, validated like `audit -f`; unreadable or invalid documents are an input error (exit 2). */
export async function manifestObjects(paths: string[], namespace: string, stdin: Readable): Promise<KubeObject[]> {
  const load = await readManifests({ paths, recursive: false, stdin, namespace });
  if (load.errors.length > 0) throw new InputError(load.errors.map((e) => e.message).join('\n'));
  return load.objects;
}

/** The object of a kind, name and namespace in -f files (a document without a namespace is in -n, as kubectl apply reads it). */
export function objectIn<T extends KubeObject>(objects: KubeObject[], kind: string, name: string, namespace: string): T | undefined {
  return objects.find((o) => o.kind === kind && o.metadata?.name === name && (o.metadata?.namespace ?? namespace) === namespace) as T | undefined;
}
