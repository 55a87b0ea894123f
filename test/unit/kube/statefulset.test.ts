// Which ordinal a claim, a volume's claimRef or a pod belongs to decides what
// every repair writes: a name read as the wrong ordinal hands one ordinal
// another's data. These cases pin the parsing to the controller's (the
// statefulset controller writes "<template>-<set>-<n>" with n in decimal, no
// sign, no leading zero: stateful_set_utils.go getPersistentVolumeClaimName).
import { describe, expect, it } from 'vitest';
import {
  closestName,
  isOrdinalInRange,
  mountsOf,
  ordinalClaims,
  ordinalOfClaim,
  ordinalOfPod,
  parseOrdinalClaimName,
  parseOrdinalName,
  templateNames,
} from '../../../src/kube/statefulset.js';
import type { PodSpec, StatefulSet } from '../../../src/kube/types.js';

function set(name: string | undefined, templates: Array<string | undefined>, spec: { replicas?: number; start?: number } = {}): StatefulSet {
  return {
    metadata: name === undefined ? undefined : { name },
    spec: {
      replicas: spec.replicas,
      ordinals: spec.start === undefined ? undefined : { start: spec.start },
      volumeClaimTemplates: templates.map((t) => ({ metadata: t === undefined ? {} : { name: t } })),
    },
  } as StatefulSet;
}

describe('ordinals in range', () => {
  it('is [start, start + replicas)', () => {
    const web = set('web', ['data'], { replicas: 3, start: 2 });
    expect([1, 2, 3, 4, 5].map((n) => isOrdinalInRange(web, n))).toEqual([false, true, true, true, false]);
    expect(isOrdinalInRange(set('web', ['data'], { replicas: 0 }), 0)).toBe(false);
  });
});

describe('ordinalClaims and templateNames', () => {
  it('names one claim per named template and ordinal, in order, skipping templates without a name', () => {
    const web = set('web', ['data', undefined, 'logs'], { replicas: 2, start: 1 });
    expect([...ordinalClaims(web)].map((c) => [c.ordinal, c.templateName, c.claimName])).toEqual([
      [1, 'data', 'data-web-1'],
      [1, 'logs', 'logs-web-1'],
      [2, 'data', 'data-web-2'],
      [2, 'logs', 'logs-web-2'],
    ]);
    expect([...ordinalClaims(web, [7])].map((c) => c.claimName)).toEqual(['data-web-7', 'logs-web-7']);
    expect(templateNames(web)).toEqual(['data', 'logs']);
  });

  it('yields nothing for a set without templates, and survives a set without metadata', () => {
    const bare = { spec: { replicas: 2 } } as StatefulSet;
    expect([...ordinalClaims(bare)]).toEqual([]);
    expect(templateNames(bare)).toEqual([]);
    expect([...ordinalClaims(set(undefined, ['data'], { replicas: 1 }))].map((c) => c.claimName)).toEqual(['data--0']);
  });
});

describe('ordinalOfClaim', () => {
  const web = set('web', ['data'], { replicas: 3 });
  it.each([
    ['data-web-0', { template: 'data', ordinal: 0 }],
    ['data-web-12', { template: 'data', ordinal: 12 }],
    // not the controller's way of writing an ordinal
    ['data-web-01', undefined],
    ['data-web-1x', undefined],
    ['data-web-x1', undefined],
    ['data-web-', undefined],
    // another template's claim of the same length is not this one's
    ['logs-web-3', undefined],
    ['data-webx-3', undefined],
  ])('%s', (claim, want) => {
    expect(ordinalOfClaim(web, claim)).toEqual(want);
  });

  it('reads a set without metadata as the set named ""', () => {
    expect(ordinalOfClaim(set(undefined, ['data']), 'data--4')).toEqual({ template: 'data', ordinal: 4 });
  });
});

describe('parseOrdinalName', () => {
  it.each([
    ['data-web-0', { prefix: 'data-web', ordinal: 0 }],
    ['data-web-12', { prefix: 'data-web', ordinal: 12 }],
    ['data-web-012', undefined],
    ['data-web-1a', undefined],
    ['data-web-a1', undefined],
    ['web', undefined],
  ])('%s', (name, want) => {
    expect(parseOrdinalName(name)).toEqual(want);
  });
});

describe('parseOrdinalClaimName (a deleted set: its name only)', () => {
  it.each([
    ['data-web-1', 'web', { template: 'data', ordinal: 1 }],
    ['data-web-10', 'web', { template: 'data', ordinal: 10 }],
    // the last "-web-": a template may contain the set's name
    ['web-data-web-2', 'web', { template: 'web-data', ordinal: 2 }],
    ['web-0', 'web', undefined],
    ['-web-0', 'web', undefined],
    ['data-web-01', 'web', undefined],
    ['data-web-1x', 'web', undefined],
    ['data-web-x1', 'web', undefined],
    ['data-db-1', 'web', undefined],
  ])('%s of set %s', (claim, setName, want) => {
    expect(parseOrdinalClaimName(claim, setName)).toEqual(want);
  });
});

describe('ordinalOfPod (statefulPodRegex, then the set name)', () => {
  const web = set('web', []);
  it.each([
    ['web-3', 3],
    ['web-10', 10],
    ['web-3x', undefined],
    ['webx-3', undefined],
    ['db-3', undefined],
  ])('%s', (pod, want) => {
    expect(ordinalOfPod(web, pod)).toBe(want);
  });

  it('finds no pod of a set without a name', () => {
    expect(ordinalOfPod({} as StatefulSet, 'web-3')).toBeUndefined();
  });
});

describe('mountsOf', () => {
  it('lists every mount and device of every kind of container, in order, with where it is', () => {
    const spec = {
      initContainers: [{ name: 'init', volumeMounts: [{ name: 'data' }] }],
      containers: [
        { name: 'app', volumeMounts: [{ name: 'data' }, { name: 'logs' }], volumeDevices: [{ name: 'raw' }] },
        { name: 'side', volumeMounts: [] },
      ],
      ephemeralContainers: [{ name: 'debug', volumeMounts: [{ name: 'data' }] }],
    } as unknown as PodSpec;
    expect(mountsOf(spec).map((m) => [m.containerKind, m.container, m.index, m.field, m.mountIndex, m.name])).toEqual([
      ['initContainers', 'init', 0, 'volumeMounts', 0, 'data'],
      ['containers', 'app', 0, 'volumeMounts', 0, 'data'],
      ['containers', 'app', 0, 'volumeMounts', 1, 'logs'],
      ['containers', 'app', 0, 'volumeDevices', 0, 'raw'],
      ['ephemeralContainers', 'debug', 0, 'volumeMounts', 0, 'data'],
    ]);
  });

  it('reads a template stored unvalidated (1.33): null containers, nameless containers and mounts', () => {
    const spec = { containers: [null, { volumeMounts: [null, {}] }] } as unknown as PodSpec;
    expect(mountsOf(spec).map((m) => [m.container, m.index, m.mountIndex, m.name])).toEqual([
      ['', 1, 0, ''],
      ['', 1, 1, ''],
    ]);
    expect(mountsOf(undefined)).toEqual([]);
  });
});

describe('closestName (what a mistyped mount meant)', () => {
  it.each([
    ['data', [], undefined],
    // a candidate containing the name, or contained in it, wins over a closer spelling
    ['dat', ['logs', 'data'], 'data'],
    ['data-x', ['dbta-x', 'data'], 'data'],
    ['dat', ['dat-long-name', 'dot'], 'dat-long-name'],
    // no substring: the nearest by edit distance
    ['dtaa', ['logs', 'data'], 'data'],
    ['lgs', ['data', 'logs'], 'logs'],
    // a tie: the first alphabetically
    ['dxta', ['dyta', 'data'], 'data'],
    ['dxta', ['data', 'dyta'], 'data'],
  ])('%s among %j', (name, candidates, want) => {
    expect(closestName(name, candidates)).toBe(want);
  });
});
