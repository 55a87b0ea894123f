// `snapshots`: a set's VolumeSnapshots grouped into the sets one `snapshot`
// run took (by its set label), with any other snapshot of its claims on its
// own; complete only when every claim that exists now has a ready snapshot;
// the spread between the first and last ready one; newest set first.
import { describe, expect, it } from 'vitest';
import { snapshotSetsOf } from '../../../src/analysis/snapshot-sets.js';
import type { KubeObject, StatefulSet } from '../../../src/kube/types.js';
import { SNAPSHOT_SET_LABEL, STATEFULSET_UID_ANNOTATION } from '../../../src/kube/volume-snapshot.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';

const sts: StatefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'shop', uid: 'sts-now' },
  spec: {
    replicas: 2,
    serviceName: 'db',
    selector: { matchLabels: { app: 'db' } },
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
    volumeClaimTemplates: [{ metadata: { name: 'data' } }, { metadata: { name: 'logs' } }],
  },
};
const claim = (name: string): KubeObject =>
  ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'shop' }, status: { phase: 'Bound' } }) as KubeObject;
const vs = (
  name: string,
  source: string,
  opts: {
    set?: string;
    uid?: string;
    ready?: boolean;
    time?: string;
    size?: string;
    content?: string;
    error?: string;
    deleting?: boolean;
    namespace?: string;
  } = {},
): KubeObject =>
  ({
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshot',
    metadata: {
      name,
      namespace: opts.namespace ?? 'shop',
      ...(opts.set ? { labels: { [SNAPSHOT_SET_LABEL]: opts.set } } : {}),
      ...(opts.uid ? { annotations: { [STATEFULSET_UID_ANNOTATION]: opts.uid } } : {}),
      ...(opts.deleting ? { deletionTimestamp: '2026-01-01T11:00:00Z' } : {}),
    },
    spec: { source: { persistentVolumeClaimName: source } },
    status: {
      readyToUse: opts.ready ?? true,
      ...(opts.time ? { creationTime: opts.time } : {}),
      ...(opts.size ? { restoreSize: opts.size } : {}),
      ...(opts.content ? { boundVolumeSnapshotContentName: opts.content } : {}),
      ...(opts.error ? { error: { message: opts.error } } : {}),
    },
  }) as KubeObject;

describe('snapshotSetsOf', () => {
  it('groups by set, lists the others alone, and says which set is complete, its spread and whose it was', () => {
    const snapshot = snapshotFromObjects([
      sts,
      claim('data-db-0'),
      claim('data-db-1'),
      claim('logs-db-0'),
      // set a, of this set: complete (every claim now has a ready snapshot), 90 s between first and last
      vs('a-logs-0', 'logs-db-0', { set: 'a', uid: 'sts-now', time: '2026-01-01T10:01:30Z', size: '1Gi' }),
      vs('a-data-1', 'data-db-1', { set: 'a', uid: 'sts-now', time: '2026-01-01T10:00:30Z', size: '2Gi' }),
      vs('a-data-0', 'data-db-0', { set: 'a', uid: 'sts-now', time: '2026-01-01T10:00:00Z', content: 'c-a0' }),
      {
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshotContent',
        metadata: { name: 'c-a0' },
        spec: { driver: 'ebs.csi.aws.com' },
        status: { restoreSize: 3221225472, creationTime: 1767261600000000000 },
      } as KubeObject,
      // set b, newer, of an earlier StatefulSet of the same name: one snapshot failed, one is being deleted
      vs('b-data-0', 'data-db-0', { set: 'b', uid: 'sts-before', time: '2026-01-01T11:00:00Z' }),
      vs('b-data-1', 'data-db-1', { set: 'b', uid: 'sts-before', ready: false, error: 'driver timeout' }),
      vs('b-logs-0', 'logs-db-0', { set: 'b', time: '2026-01-01T11:00:05Z', deleting: true }),
      // taken by hand: alone, the oldest
      vs('manual', 'data-db-0', { time: '2026-01-01T09:00:00Z' }),
      // not this set's: another namespace, a claim of no template, no claim at all
      vs('elsewhere', 'data-db-0', { namespace: 'other', set: 'a' }),
      vs('unrelated', 'data-web-0', { set: 'a' }),
    ]);
    expect(snapshotSetsOf(snapshot, sts)).toEqual([
      {
        id: 'b',
        rows: [
          { snapshot: 'b-data-0', claim: 'data-db-0', template: 'data', ordinal: 0, ready: true, takenAt: '2026-01-01T11:00:00.000Z' },
          { snapshot: 'b-data-1', claim: 'data-db-1', template: 'data', ordinal: 1, ready: false, error: 'driver timeout' },
          { snapshot: 'b-logs-0', claim: 'logs-db-0', template: 'logs', ordinal: 0, ready: false, takenAt: '2026-01-01T11:00:05.000Z' },
        ],
        complete: false,
        earlierSet: true,
      },
      {
        id: 'a',
        rows: [
          { snapshot: 'a-data-0', claim: 'data-db-0', template: 'data', ordinal: 0, ready: true, restoreSize: '3Gi', takenAt: '2026-01-01T10:00:00.000Z' },
          { snapshot: 'a-data-1', claim: 'data-db-1', template: 'data', ordinal: 1, ready: true, restoreSize: '2Gi', takenAt: '2026-01-01T10:00:30.000Z' },
          { snapshot: 'a-logs-0', claim: 'logs-db-0', template: 'logs', ordinal: 0, ready: true, restoreSize: '1Gi', takenAt: '2026-01-01T10:01:30.000Z' },
        ],
        complete: true,
        spreadMs: 90_000,
        earlierSet: false,
      },
      {
        id: undefined,
        rows: [{ snapshot: 'manual', claim: 'data-db-0', template: 'data', ordinal: 0, ready: true, takenAt: '2026-01-01T09:00:00.000Z' }],
        complete: false,
        earlierSet: false,
      },
    ]);
  });

  it('calls no set complete for a set with no claims now, and orders sets taken at the same time by id', () => {
    const snapshot = snapshotFromObjects([
      sts,
      vs('y-0', 'data-db-0', { set: 'y', time: '2026-01-01T10:00:00Z' }),
      vs('x-0', 'data-db-0', { set: 'x', time: '2026-01-01T10:00:00Z' }),
    ]);
    const sets = snapshotSetsOf(snapshot, sts);
    expect(sets.map((s) => [s.id, s.complete, s.spreadMs])).toEqual([
      ['x', false, undefined],
      ['y', false, undefined],
    ]);
  });
});
