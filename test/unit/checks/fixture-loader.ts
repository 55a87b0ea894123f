import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../src/kube/types.js';
import type { ResourceName } from '../../../src/snapshot/cluster-snapshot.js';

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
}

export function loadFixture(id: string): FixtureCase[] {
  const file = path.join(FIXTURE_DIR, `${id}.yaml`);
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
  return docs.map((d, i) => {
    if (d.errors.length) throw new Error(`${file} document ${i + 1}: ${d.errors[0]!.message}`);
    const c = d.toJS() as FixtureCase;
    c.expect ??= [];
    c.objects ??= [];
    return c;
  });
}
