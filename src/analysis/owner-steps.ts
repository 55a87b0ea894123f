// What an owner must change so that its next sync agrees with the live set:
// the exact command or field, per owner. The audit (STS-019) and the
// re-creating repairs print the same words.
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { parseQuantity } from '../kube/quantity.js';
import type { SizeKey } from '../snapshot/owners/owner-records.js';
import type { Owner } from './owner.js';

/** One claim template whose size the owner must render. */
export interface SizeChange {
  template: string;
  size: string;
}

/** A step for the owner: what to do, and the command that does it when there is one. */
export interface NextStep {
  text: string;
  command?: string;
}

/** "text: command", for evidence lines. */
export function stepLine(step: NextStep): string {
  return step.command ? `${step.text}: ${step.command}` : step.text;
}

/** A difference between the live claim templates and the owner's. */
export interface TemplateDifference {
  template: string;
  field: string;
  live: string;
  owner: string;
}

const modes = (t: V1PersistentVolumeClaim | undefined) => [...(t?.spec?.accessModes ?? [])].sort().join(',');
const storage = (t: V1PersistentVolumeClaim | undefined) => t?.spec?.resources?.requests?.['storage'];

/**
 * Compared as the API server stores them: sizes by value (2048Mi is 2Gi),
 * volumeMode defaulted to Filesystem. Only the fields a chart sets.
 */
export function templateDifferences(live: V1PersistentVolumeClaim[], owner: V1PersistentVolumeClaim[]): TemplateDifference[] {
  const out: TemplateDifference[] = [];
  const names = [...new Set([...live, ...owner].map((t) => t.metadata?.name ?? ''))];
  for (const name of names) {
    const l = live.find((t) => t.metadata?.name === name);
    const o = owner.find((t) => t.metadata?.name === name);
    if (!l || !o) {
      out.push({ template: name, field: 'present', live: l ? 'yes' : 'no', owner: o ? 'yes' : 'no' });
      continue;
    }
    if (parseQuantity(storage(l)) !== parseQuantity(storage(o)))
      out.push({ template: name, field: 'storage', live: String(storage(l)), owner: String(storage(o)) });
    if (modes(l) !== modes(o)) out.push({ template: name, field: 'accessModes', live: `[${modes(l)}]`, owner: `[${modes(o)}]` });
    if ((l.spec?.storageClassName ?? '') !== (o.spec?.storageClassName ?? ''))
      out.push({ template: name, field: 'storageClassName', live: `"${l.spec?.storageClassName ?? ''}"`, owner: `"${o.spec?.storageClassName ?? ''}"` });
    if ((l.spec?.volumeMode ?? 'Filesystem') !== (o.spec?.volumeMode ?? 'Filesystem'))
      out.push({ template: name, field: 'volumeMode', live: l.spec?.volumeMode ?? 'Filesystem', owner: o.spec?.volumeMode ?? 'Filesystem' });
  }
  return out;
}

/** "persistence.size" when certain; else the candidates, said as such. */
export function describeSizeKey(key: SizeKey | undefined): string {
  if (!key) return 'the values key is unknown (the release does not render this template)';
  if (key.certain) return `values key ${key.key}`;
  return key.candidates.length > 0
    ? `the values key could not be read from the chart's template; candidates holding the rendered size: ${key.candidates.join(', ')}`
    : "the values key could not be read from the chart's template, and no value holds the rendered size";
}

/**
 * The next step for the owner, exactly: a `helm upgrade` with the keys that
 * produce the sizes, the field of an operator's resource, the file of a
 * GitOps source. Helm: the chart reference is not stored in the release
 * (only its name and version), so it stays a placeholder.
 */
export function ownerNextSteps(owner: Owner, setName: string, changes: SizeChange[]): NextStep[] {
  switch (owner.type) {
    case 'helm': {
      const keys = changes.map((c) => ({ ...c, key: owner.rendered?.sizeKeys[c.template] }));
      const certain = keys.filter((k) => k.key?.certain);
      const unsure = keys.filter((k) => !k.key?.certain);
      const chart = owner.record ? ` (chart ${owner.record.chart.name} ${owner.record.chart.version}; the release does not record where it came from)` : '';
      const out: NextStep[] = [];
      if (owner.flux)
        out.push({
          text: `Helm release ${owner.release} is driven by Flux HelmRelease ${owner.flux.namespace}/${owner.flux.name}: set ${keys.map((k) => `${k.key?.certain ? k.key.key : `<key of template ${k.template}>`}: ${k.size}`).join(', ')} in its spec.values (in Git), then resume or reconcile it`,
        });
      else if (certain.length > 0)
        out.push({
          text: `upgrade the release with the new size${chart}, or its next upgrade is refused`,
          command: `helm upgrade ${owner.release} <chart> -n ${owner.namespace} --reuse-values ${certain.map((k) => `--set ${(k.key as { key: string }).key}=${k.size}`).join(' ')}`,
        });
      for (const k of unsure)
        out.push({ text: `template ${k.template} of statefulset ${setName}: ${describeSizeKey(k.key)}; set it to ${k.size} in the release's values` });
      return out;
    }
    case 'operator':
      return [
        {
          text: `change ${owner.operator?.sizeField ?? 'the storage size'} of ${owner.ref.kind} ${owner.ref.namespace}/${owner.ref.name} to ${changes.map((c) => c.size).join(', ')}`,
        },
      ];
    case 'argocd':
      return [
        {
          text: `Argo CD Application ${owner.app}: set the size of ${changes.map((c) => `template ${c.template} to ${c.size}`).join(', ')} in its source (Git or spec.source.helm values); until then it shows OutOfSync and a sync is refused`,
        },
      ];
    case 'flux':
      return [
        {
          text: `Flux Kustomization ${owner.namespace}/${owner.name}: set ${changes.map((c) => `template ${c.template} to ${c.size}`).join(', ')} in the manifest in Git, then resume it (do not enable force)`,
          command: `flux resume kustomization ${owner.name} -n ${owner.namespace}`,
        },
      ];
    case 'kubectl':
      return [
        {
          text: `statefulset ${setName} was written by kubectl apply: set ${changes.map((c) => `template ${c.template} to ${c.size}`).join(', ')} in your manifest, or the next kubectl apply of it is refused`,
        },
      ];
    case 'none':
      return [];
  }
}
