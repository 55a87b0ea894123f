// restore (retained PVs back to a set): finding the PVs by claimRef, the order
// of the plan, templates the set does not have, what the future claim asks
// for, and the ordinals at the edges of replicas with a start offset.
import { describe, expect, it } from 'vitest';
import { planVolumeRestore, volumesByClaimRef, type RestoreInput } from '../../../src/fixes/restore.js';
import type { Claim, Volume } from '../../../src/kube/types.js';

const template = (name: string, storage = '1Gi') => ({
  metadata: { name },
  spec: { storageClassName: '', accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
});
const released = (name: string, claimRef: { namespace?: string; name?: string }, storage = '1Gi'): Volume => ({
  metadata: { name, uid: `u-${name}`, resourceVersion: '3' },
  spec: {
    capacity: { storage },
    accessModes: ['ReadWriteOnce'],
    storageClassName: '',
    persistentVolumeReclaimPolicy: 'Retain',
    hostPath: { path: '/x' },
    claimRef: { ...claimRef, uid: 'gone' },
  },
  status: { phase: 'Released' },
});
const source = (template: string, ordinal: number, storage = '1Gi') => ({
  volume: released(`pv-${template}-${ordinal}`, { namespace: 'old', name: `${template}-web-${ordinal}` }, storage),
  template,
  ordinal,
});
const input = (over: Partial<RestoreInput> & Pick<RestoreInput, 'sources'>): RestoreInput => ({
  target: { namespace: 'new', name: 'web', start: 0, replicas: 3, templates: new Map([['data', template('data')]]) },
  claims: new Map(),
  currentClaims: new Map(),
  classes: [],
  ...over,
});

describe('volumesByClaimRef', () => {
  const volumes = [
    released('pv-a', { namespace: 'old', name: 'data-web-0' }),
    released('pv-l', { namespace: 'old', name: 'logs-web-1' }),
    released('pv-elsewhere', { namespace: 'other', name: 'data-web-0' }),
    released('pv-nameless', { namespace: 'old' }),
    { metadata: { name: 'pv-free' }, spec: {} } as Volume,
  ];

  it('takes every template when none is named, and only the named ones otherwise', () => {
    expect(volumesByClaimRef(volumes, 'old', 'web', undefined).map((s) => `${s.volume.metadata?.name} ${s.template}/${s.ordinal}`)).toEqual([
      'pv-a data/0',
      'pv-l logs/1',
    ]);
    expect(volumesByClaimRef(volumes, 'old', 'web', ['logs']).map((s) => s.volume.metadata?.name)).toEqual(['pv-l']);
  });
});

describe('planVolumeRestore', () => {
  it('is one atomic plan under the command given, ordered by template, then by ordinal as a number', () => {
    const plan = planVolumeRestore(
      input({
        target: {
          namespace: 'new',
          name: 'web',
          start: 0,
          replicas: 11,
          templates: new Map([
            ['data', template('data')],
            ['logs', template('logs')],
          ]),
        },
        sources: [source('logs', 0), source('data', 10), source('data', 2)],
      }),
      'restore web -n new --from-namespace old',
    );
    expect(plan.command).toBe('restore web -n new --from-namespace old');
    expect(plan.atomic).toBe(true);
    expect(plan.refusals).toEqual([]);
    expect(plan.changes.map((c) => c.summary)).toEqual([
      'ordinal 2: reserve PV pv-data-2 for claim new/data-web-2 (was old/data-web-2, uid gone)',
      'ordinal 10: reserve PV pv-data-10 for claim new/data-web-10 (was old/data-web-10, uid gone)',
      'ordinal 0: reserve PV pv-logs-0 for claim new/logs-web-0 (was old/logs-web-0, uid gone)',
    ]);
  });

  it('refuses a PV of a template the set does not have, naming the templates it has, and so changes nothing', () => {
    const plan = planVolumeRestore(input({ sources: [source('data', 0), source('cache', 0)] }), 'restore');
    expect(plan.changes).toEqual([]);
    expect(plan.refusals).toEqual([
      { target: { kind: 'PersistentVolume', name: 'pv-cache-0' }, reasons: ['statefulset web has no volumeClaimTemplate "cache" (templates: data)'] },
    ]);
  });

  it("checks a PV against the claim that exists already, not the template's request", () => {
    const live: Claim = {
      metadata: { name: 'data-web-0', namespace: 'new', uid: 'c0' },
      spec: { storageClassName: '', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
      status: { phase: 'Pending' },
    };
    const plan = planVolumeRestore(input({ sources: [source('data', 0)], claims: new Map([['data-web-0', live]]) }), 'restore');
    expect(plan.refusals.map((r) => r.reasons)).toEqual([['capacity 1Gi is smaller than the request 2Gi']]);
    const bound = { ...live, spec: { ...live.spec, volumeName: 'pv-other', resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Bound' } };
    const taken = planVolumeRestore(input({ sources: [source('data', 0)], claims: new Map([['data-web-0', bound]]) }), 'restore');
    expect(taken.refusals.map((r) => r.reasons)).toEqual([['claim new/data-web-0 is already Bound to PV pv-other']]);
  });

  it("checks a PV against the template's request when the claim does not exist yet", () => {
    const plan = planVolumeRestore(
      input({ target: { namespace: 'new', name: 'web', start: 0, templates: new Map([['data', template('data', '5Gi')]]) }, sources: [source('data', 0)] }),
      'restore',
    );
    expect(plan.refusals.map((r) => r.reasons)).toEqual([['capacity 1Gi is smaller than the request 5Gi']]);
  });

  it('without the set known, restores by name alone, says what the binder will check, and warns of no missing ordinal', () => {
    const plan = planVolumeRestore(input({ target: { namespace: 'new', name: 'web', start: 0 }, sources: [source('data', 1)] }), 'restore');
    expect(plan.refusals).toEqual([]);
    expect(plan.changes[0]!.warnings).toEqual([expect.stringMatching(/^what claim new\/data-web-1 will ask for is not known/)]);
    expect(plan.warnings).toEqual([]);
  });

  it('with replicas and no templates, warns of nothing missing either (the ordinals of no template are known)', () => {
    const plan = planVolumeRestore(input({ target: { namespace: 'new', name: 'web', start: 0, replicas: 3 }, sources: [source('data', 1)] }), 'restore');
    expect(plan.warnings).toEqual([]);
  });

  it('with templates and no replicas, warns of nothing missing either', () => {
    const plan = planVolumeRestore(
      input({ target: { namespace: 'new', name: 'web', start: 0, templates: new Map([['data', template('data')]]) }, sources: [source('data', 7)] }),
      'restore',
    );
    expect(plan.warnings).toEqual([]);
  });

  it('counts ordinals from the start offset: the last in range is restored, the first past it waits for a scale-up', () => {
    const plan = planVolumeRestore(
      input({
        target: { namespace: 'new', name: 'web', start: 5, replicas: 2, templates: new Map([['data', template('data')]]) },
        sources: [source('data', 6), source('data', 7), source('data', 9)],
      }),
      'restore',
    );
    expect(plan.changes).toHaveLength(3);
    expect(plan.warnings).toEqual([
      'ordinal 5 (claim data-web-5) has no PV to restore: the StatefulSet creates a new, empty claim for it',
      'ordinal 7 is beyond replicas 2: claim data-web-7 binds PV pv-data-7 on a scale-up to 3',
      'ordinal 9 is beyond replicas 2: claim data-web-9 binds PV pv-data-9 on a scale-up to 5',
    ]);
  });
});
