import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Check, Finding } from '../../../src/checks/check.js';
import { runChecks } from '../../../src/checks/run-checks.js';
import { parseDuration } from '../../../src/kube/time.js';
import type { KubeObject } from '../../../src/kube/types.js';
import type { ResourceName } from '../../../src/snapshot/cluster-snapshot.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';
import { NO_OWNER_RECORDS, type OwnerRecords } from '../../../src/snapshot/owners/owner-records.js';

export const FIXTURE_DIR = path.join(import.meta.dirname, 'fixtures');

/** "now" in every fixture: timestamps in fixtures are relative to it. */
export const FIXTURE_NOW = Date.parse('2026-01-01T12:00:00Z');

export interface FixtureCase {
  name: string;
  /** "CODE Kind/name [severity]" for each finding the check must produce, and no others */
  expect: string[];
  objects: KubeObject[];
  serverVersion?: string;
  pendingThreshold?: string;
  unavailable?: Partial<Record<ResourceName, string>>;
  /** --preflight: the cluster's current StatefulSets the objects replace */
  live?: KubeObject[];
  /** the namespace scope, when the case is about a namespaced audit */
  namespace?: string;
  /** the objects come from a manifest (audit -f): each gets a file location */
  manifest?: boolean;
  /** the exact message of each finding, in the order of expect */
  messages?: string[];
  /** lines that some finding's evidence must contain exactly */
  evidence?: string[];
  /** the exact repair command of each finding, in the order of expect */
  fixes?: Array<string | null>;
  /** who owns the sets: Helm release records, controlling resources, GitOps objects (as read-owner-records.ts distils them) */
  owners?: Partial<OwnerRecords>;
  /** an earlier case in the file whose objects and live objects this one reuses (YAML anchors stop at a document's end) */
  from?: string;
}

export function loadFixture(id: string): FixtureCase[] {
  const file = path.join(FIXTURE_DIR, `${id}.yaml`);
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const cases: FixtureCase[] = [];
  docs.forEach((d, i) => {
    if (d.errors.length) throw new Error(`${file} document ${i + 1}: ${d.errors[0]!.message}`);
    const c = d.toJS() as FixtureCase;
    if (c.from) {
      const base = cases.find((x) => x.name === c.from);
      if (!base) throw new Error(`${file} document ${i + 1}: from: no earlier case named ${c.from}`);
      c.objects ??= structuredClone(base.objects);
      if (base.live) c.live ??= structuredClone(base.live);
      if (base.owners) c.owners ??= structuredClone(base.owners);
    }
    c.expect ??= [];
    c.objects ??= [];
    cases.push(c);
  });
  return cases;
}

/** What one check finds in one fixture case, read as the audit reads a cluster (or a manifest, for manifest cases). */
export function findingsOfCase(check: Check, c: FixtureCase): Finding[] {
  const [, major, minor] = /^v(\d+)\.(\d+)/.exec(c.serverVersion ?? '') ?? [];
  const snapshot = snapshotFromObjects(c.objects, {
    source: 'cluster',
    now: FIXTURE_NOW,
    scope: c.namespace ? { namespace: c.namespace } : {},
    namespaces: c.namespace ? [c.namespace] : undefined,
    unavailable: c.unavailable ?? {},
    liveStatefulSets: c.live ? new Map(c.live.map((o) => [`${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`, o as never])) : undefined,
    serverVersion: major ? { major: Number(major), minor: Number(minor), gitVersion: c.serverVersion! } : undefined,
    owners: { ...NO_OWNER_RECORDS, ...c.owners },
    locations: c.manifest ? new Map(c.objects.map((o, i) => [o, { file: 'app.yaml', document: i + 1 }])) : undefined,
  });
  return runChecks(snapshot, { pendingThresholdMs: parseDuration(c.pendingThreshold ?? '5m') }, [check]).findings;
}
