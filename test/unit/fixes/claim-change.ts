// A planned change to claim shop/data-db-0 (1Gi), with no steps unless given: the unit tests of
// what surrounds a change (backups, --snapshot) build on it.
import type { PlannedChange } from '../../../src/fixes/plan.js';

export const claim = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data-db-0', namespace: 'shop', uid: 'c0', resourceVersion: '5' },
  spec: { resources: { requests: { storage: '1Gi' } } },
};

export const claimChange = (over: Partial<PlannedChange> = {}): PlannedChange => ({
  target: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-db-0', uid: 'c0', resourceVersion: '5' },
  summary: 's',
  before: claim,
  after: claim,
  steps: [],
  permissions: [],
  warnings: [],
  notes: [],
  owned: [],
  ...over,
});
