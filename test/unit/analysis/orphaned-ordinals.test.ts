// Released PVs of StatefulSets that are gone: which count (a stale claimRef
// to an ordinal-shaped claim no live set would create), how they are grouped
// and ordered, and the ways a prefix splits into template and set.
import { describe, expect, it } from 'vitest';
import { orphanedOrdinals } from '../../../src/analysis/orphaned-ordinals.js';
import type { KubeObject, Volume } from '../../../src/kube/types.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';

const pv = (name: string, claimRef: Record<string, string> | undefined, phase = 'Released'): Volume => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: { ...(claimRef ? { claimRef } : {}) },
  status: { phase },
});
const ref = (namespace: string, name: string, uid = 'gone') => ({ namespace, name, uid });
const groups = (objects: KubeObject[]) =>
  orphanedOrdinals(snapshotFromObjects(objects)).map(
    (g) => `${g.namespace}/${g.prefix}: ${g.members.map((m) => `${m.ordinal}=${m.volume.metadata?.name}`).join(' ')}`,
  );

describe('orphanedOrdinals', () => {
  it('groups Released PVs by namespace and claim prefix, ordinals in numeric order, then by PV name', () => {
    expect(
      groups([
        pv('pv-10', ref('shop', 'data-web-10')),
        pv('pv-2', ref('shop', 'data-web-2')),
        pv('pv-b2', ref('shop', 'data-web-2')),
        pv('pv-a', ref('alpha', 'data-web-0')),
        pv('pv-l', ref('shop', 'logs-web-0')),
      ]),
    ).toEqual(['alpha/data-web: 0=pv-a', 'shop/data-web: 2=pv-2 2=pv-b2 10=pv-10', 'shop/logs-web: 0=pv-l']);
  });

  it('leaves out what is not an orphaned ordinal: not Released, no uid, no name or namespace, not ordinal-shaped, a claim that exists', () => {
    expect(
      groups([
        pv('bound', ref('shop', 'data-web-0'), 'Bound'),
        pv('available', ref('shop', 'data-web-1'), 'Available'),
        pv('no-uid', { namespace: 'shop', name: 'data-web-2' }),
        pv('no-name', { namespace: 'shop', uid: 'x' }),
        pv('no-namespace', { name: 'data-web-3', uid: 'x' }),
        pv('no-ref', undefined),
        pv('plain', ref('shop', 'scratch')),
        pv('claimed', ref('shop', 'data-web-4')),
        { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data-web-4', namespace: 'shop' } } as KubeObject,
      ]),
    ).toEqual([]);
  });

  it("leaves out an ordinal a live set would create again (that is STS-016's)", () => {
    const web = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { replicas: 1, selector: {}, serviceName: 'web', template: {}, volumeClaimTemplates: [{ metadata: { name: 'data' } }] },
    } as KubeObject;
    expect(groups([web, pv('pv-0', ref('shop', 'data-web-0')), pv('pv-o', ref('shop', 'data-old-0'))])).toEqual(['shop/data-old: 0=pv-o']);
  });

  it('names every way the prefix splits into a template and a set', () => {
    const [g] = orphanedOrdinals(snapshotFromObjects([pv('pv', ref('shop', 'pvc-db-data-db-0'))]));
    expect(g!.splits).toEqual([
      { template: 'pvc', set: 'db-data-db' },
      { template: 'pvc-db', set: 'data-db' },
      { template: 'pvc-db-data', set: 'db' },
    ]);
    const [one] = orphanedOrdinals(snapshotFromObjects([pv('pv', ref('shop', 'data-web-0'))]));
    expect(one!.splits).toEqual([{ template: 'data', set: 'web' }]);
  });
});

describe('the splits of a prefix', () => {
  it('never splits at a leading or trailing dash', () => {
    const [trailing] = orphanedOrdinals(snapshotFromObjects([pv('pv', ref('shop', 'data--0'))]));
    expect(trailing!.prefix).toBe('data-');
    expect(trailing!.splits).toEqual([]);
    const [leading] = orphanedOrdinals(snapshotFromObjects([pv('pv', ref('shop', '-web-0'))]));
    expect(leading!.splits).toEqual([]);
  });
});
