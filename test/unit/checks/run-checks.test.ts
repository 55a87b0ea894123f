// The engine under every check: a check is skipped, with the reason, when
// what it reads could not be read (or is not installed, which is no gap) or
// when it needs owners a manifest cannot carry; findings outside the scope
// are dropped; each consequence is linked to its cause by the four rules of
// `followsFrom`; manifest findings get the file and document of their object;
// the order is by set, severity, code and object. Synthetic checks, so each
// rule is seen alone.
import { describe, expect, it } from 'vitest';
import type { Check, FindingDraft } from '../../../src/checks/check.js';
import { OWNERS_OFFLINE, compareFindings, runChecks } from '../../../src/checks/run-checks.js';
import { NOT_INSTALLED } from '../../../src/kube/resources.js';
import type { KubeObject } from '../../../src/kube/types.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';

const check = (code: string, drafts: FindingDraft[], over: Partial<Check> = {}): Check => ({
  id: code.toLowerCase(),
  code,
  severity: 'warning',
  title: code,
  rationale: '',
  remediation: '',
  needs: [],
  find: () => drafts.map((d) => structuredClone(d)),
  ...over,
});
const claimRef = (name: string, namespace = 'shop') => ({ kind: 'PersistentVolumeClaim', namespace, name });
const draft = (object: FindingDraft['object'], over: Partial<FindingDraft> = {}): FindingDraft => ({
  object,
  related: [],
  message: `about ${object.name}`,
  evidence: [],
  ...over,
});
const snap = (objects: KubeObject[] = [], over: Parameters<typeof snapshotFromObjects>[1] = {}) => snapshotFromObjects(objects, over);

describe('runChecks', () => {
  it('skips a check whose reading failed, saying why, and marks what is not installed as no gap', () => {
    const s = snap([], { unavailable: { persistentvolumes: 'persistentvolumes is forbidden', volumesnapshots: `${NOT_INSTALLED}: no CRD` } });
    const run = runChecks(s, undefined, [
      check('T-001', [draft(claimRef('a'))], { needs: ['persistentvolumeclaims', 'persistentvolumes'] }),
      check('T-002', [], { needs: ['volumesnapshots'] }),
      check('T-003', [draft(claimRef('b'))], { needs: ['persistentvolumeclaims'] }),
    ]);
    expect(run.skipped).toEqual([
      { check: 'T-001', reason: 'needs persistentvolumes: persistentvolumes is forbidden' },
      { check: 'T-002', reason: `needs volumesnapshots: ${NOT_INSTALLED}: no CRD`, notInstalled: true },
    ]);
    expect(run.findings.map((f) => f.code)).toEqual(['T-003']);
  });

  it('skips a check that needs owners when reading files, not when reading a cluster', () => {
    const c = check('T-001', [draft(claimRef('a'))], { needsOwners: true });
    expect(runChecks(snap([], { source: 'manifests' }), undefined, [c])).toEqual({ findings: [], skipped: [{ check: 'T-001', reason: OWNERS_OFFLINE }] });
    expect(runChecks(snap([], { source: 'cluster' }), undefined, [c]).findings).toHaveLength(1);
  });

  it('stamps code and severity (a draft may depart from the default), and drops what is out of scope', () => {
    const s = snap([], { scope: { namespace: 'shop' }, namespaces: ['shop'] });
    const run = runChecks(s, undefined, [check('T-001', [draft(claimRef('a')), draft(claimRef('b'), { severity: 'error' }), draft(claimRef('c', 'other'))])]);
    expect(run.findings.map((f) => [f.object.name, f.code, f.severity])).toEqual([
      ['b', 'T-001', 'error'],
      ['a', 'T-001', 'warning'],
    ]);
  });

  it('links a consequence to a cause on an object it relates, quoting it and borrowing its fix', () => {
    const cause = check('T-CAUSE', [draft(claimRef('data-0'), { message: 'no PV matches', fix: { command: 'fix it', description: 'd' } })]);
    const effect = check('T-EFFECT', [draft({ kind: 'StatefulSet', namespace: 'shop', name: 'db' }, { related: [claimRef('data-0')] })], {
      followsFrom: { codes: ['T-CAUSE'], on: 'related' },
    });
    const [, f] = runChecks(snap(), undefined, [cause, effect]).findings.sort((a, b) => a.code.localeCompare(b.code));
    expect(f).toMatchObject({
      code: 'T-EFFECT',
      causedBy: { code: 'T-CAUSE', object: claimRef('data-0') },
      evidence: ['cause: T-CAUSE on PersistentVolumeClaim data-0: no PV matches'],
      fix: { command: 'fix it', description: 'd' },
    });
    // Its own fix is kept; a cause of another code is not a cause.
    const own = check(
      'T-EFFECT',
      [draft({ kind: 'StatefulSet', namespace: 'shop', name: 'db' }, { related: [claimRef('data-0')], fix: { command: 'mine', description: 'm' } })],
      {
        followsFrom: { codes: ['T-CAUSE', 'T-OTHER'], on: 'related' },
      },
    );
    expect(runChecks(snap(), undefined, [cause, own]).findings.find((x) => x.code === 'T-EFFECT')?.fix?.command).toBe('mine');
    const unrelated = check('T-EFFECT', [draft({ kind: 'StatefulSet', namespace: 'shop', name: 'db' }, { related: [claimRef('data-0')] })], {
      followsFrom: { codes: ['T-OTHER'], on: 'related' },
    });
    expect(runChecks(snap(), undefined, [cause, unrelated]).findings.find((x) => x.code === 'T-EFFECT')?.causedBy).toBeUndefined();
  });

  it('links on the same object, on its StatefulSet, or to a cause that lists it, without quoting', () => {
    const sts = { kind: 'StatefulSet', namespace: 'shop', name: 'db' };
    const onSet = check('T-SET', [draft(sts)]);
    const same = check('T-SAME-CAUSE', [draft(claimRef('data-0'))]);
    const listing = check('T-LIST', [draft({ kind: 'PersistentVolume', name: 'pv-1' }, { related: [{ kind: 'PersistentVolume', name: 'pv-2' }] })]);
    const effects = [
      check('T-E1', [draft(claimRef('data-0'))], { followsFrom: { codes: ['T-SAME-CAUSE'], on: 'same' } }),
      check('T-E2', [draft(claimRef('data-1'), { statefulSet: 'shop/db' })], { followsFrom: { codes: ['T-SET'], on: 'statefulset' } }),
      check('T-E3', [draft({ kind: 'PersistentVolume', name: 'pv-2' })], {
        followsFrom: [
          { codes: ['T-NONE'], on: 'same' },
          { codes: ['T-LIST'], on: 'listed' },
        ],
      }),
      check('T-E4', [draft(claimRef('data-2'))], { followsFrom: { codes: ['T-SET'], on: 'statefulset' } }),
    ];
    const byCode = new Map(runChecks(snap(), undefined, [onSet, same, listing, ...effects]).findings.map((f) => [f.code, f]));
    expect(byCode.get('T-E1')).toMatchObject({ causedBy: { code: 'T-SAME-CAUSE', object: claimRef('data-0') }, evidence: [] });
    expect(byCode.get('T-E2')).toMatchObject({ causedBy: { code: 'T-SET', object: sts }, evidence: [] });
    expect(byCode.get('T-E3')).toMatchObject({ causedBy: { code: 'T-LIST', object: { kind: 'PersistentVolume', name: 'pv-1' } } });
    expect(byCode.get('T-E4')?.causedBy).toBeUndefined();
    // A finding is not its own cause.
    const self = check('T-SELF', [draft(claimRef('x'))], { followsFrom: { codes: ['T-SELF'], on: 'same' } });
    expect(runChecks(snap(), undefined, [self]).findings[0]?.causedBy).toBeUndefined();
  });

  it('locates manifest findings at the first document of their object', () => {
    const a1 = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'a', namespace: 'shop' } } as KubeObject;
    const a2 = structuredClone(a1);
    const locations = new Map([
      [a1, { file: 'one.yaml', document: 3 }],
      [a2, { file: 'two.yaml', document: 1 }],
    ]);
    const run = runChecks(snap([a1], { source: 'manifests', locations }), undefined, [check('T-001', [draft(claimRef('a')), draft(claimRef('zz'))])]);
    expect(run.findings.map((f) => [f.object.name, f.location])).toEqual([
      ['a', { file: 'one.yaml', document: 3 }],
      ['zz', undefined],
    ]);
  });
});

describe('compareFindings', () => {
  it('orders by StatefulSet (none last), severity, code, namespace, name', () => {
    const f = (name: string, over: Record<string, unknown> = {}) =>
      ({ code: 'B', severity: 'warning', object: claimRef(name), related: [], message: '', evidence: [], ...over }) as never;
    const list = [
      f('n', { statefulSet: undefined }),
      f('c', { statefulSet: 'shop/b' }),
      f('b', { statefulSet: 'shop/a', code: 'C' }),
      f('a', { statefulSet: 'shop/a', code: 'B' }),
      f('e', { statefulSet: 'shop/a', severity: 'error', code: 'Z' }),
      f('d', { statefulSet: 'shop/a', code: 'B', object: claimRef('d', 'alpha') }),
    ];
    expect(list.sort(compareFindings).map((x: { object: { name: string } }) => x.object.name)).toEqual(['e', 'd', 'a', 'b', 'c', 'n']);
  });
});
