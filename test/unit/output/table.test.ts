// The default audit table, as a user sees it: seed 000 and seed 002 in one
// namespace, on terminals of 80 and 120 columns and piped.
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run-checks.js';
import { makePaint } from '../../../src/output/colors.js';
import { buildReport } from '../../../src/output/report.js';
import { renderTable } from '../../../src/output/table.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';
import { loadFixture, FIXTURE_NOW } from '../checks/fixture-loader.js';

function report() {
  const objects = [
    ...loadFixture('sts-mount-undefined')[0]!.objects,
    ...loadFixture('sts-failed-create')[0]!.objects.filter((o) => o.kind === 'Event'),
    ...loadFixture('pv-released-stale-claimref')[0]!.objects,
  ];
  const snapshot = snapshotFromObjects(objects, { source: 'cluster', now: FIXTURE_NOW, serverVersion: { major: 1, minor: 37, gitVersion: 'v1.37.2' } });
  const { findings, skipped } = runChecks(snapshot);
  return buildReport({ source: 'cluster', serverVersion: 'v1.37.2', allNamespaces: true }, findings, skipped);
}

const render = (width: number | undefined, wide = false) => renderTable(report(), { wide, paint: makePaint(false), width, scopeText: 'in all namespaces' });

describe('the audit table', () => {
  for (const width of [80, 120]) {
    for (const wide of [false, true]) {
      it(`fits ${width} columns${wide ? ' with -o wide' : ''}, keeps every object name whole, and has no trailing spaces`, () => {
        const text = render(width, wide);
        for (const line of text.split('\n')) {
          expect(stringWidth(line), line).toBeLessThanOrEqual(width);
          expect(line).toBe(line.trimEnd());
        }
        for (const f of report().findings) expect(text).toContain(f.object.name);
        expect(text).toMatchSnapshot();
      });
    }
  }

  it('piped: one line per finding, nothing cut (the evidence of -o wide whole), no trailing spaces', () => {
    const text = render(undefined, true);
    for (const line of text.split('\n')) expect(line).toBe(line.trimEnd());
    for (const f of report().findings) {
      expect(text).toContain(f.message);
      for (const e of f.evidence) expect(text).toContain(e);
    }
    expect(text).toMatchSnapshot();
  });

  it('lists each consequence under its root cause and counts root causes', () => {
    const text = render(120);
    const lines = text.split('\n');
    const root = lines.findIndex((l) => /^error\s+STS-001\s/.test(l));
    const consequence = lines.findIndex((l) => /^error\s+↳ STS-005\s/.test(l));
    expect(root).toBeGreaterThanOrEqual(0);
    expect(consequence).toBeGreaterThan(root);
    expect(report().findings.find((f) => f.code === 'STS-005')!.causedBy).toEqual({
      code: 'STS-001',
      object: { kind: 'StatefulSet', namespace: 'shop', name: 'mysql', uid: undefined },
    });
    expect(text).toMatch(/^\d+ problem\(s\) in all namespaces: .*; 2 more finding\(s\) follow from them$/m);
  });
});

describe('an audit with nothing to report', () => {
  it('says what it could not check: one line per reason, and the all-clear says so', () => {
    const skipped = [
      { check: 'PVC-001', reason: 'needs persistentvolumeclaims: no PersistentVolumeClaim in the manifests' },
      { check: 'PVC-002', reason: 'needs persistentvolumeclaims: no PersistentVolumeClaim in the manifests' },
      { check: 'STS-005', reason: 'needs pods: not in the manifests' },
    ];
    const text = renderTable(buildReport({ source: 'manifests', allNamespaces: true, files: ['app.yaml'] }, [], skipped), {
      wide: false,
      paint: makePaint(false),
      width: 80,
      scopeText: 'in app.yaml',
    });
    expect(text).toBe(
      [
        'No storage problems found in app.yaml by the checks that could run (3 could not,',
        'below).',
        '',
        'Skipped 3 check(s):',
        '  PVC-001, PVC-002: needs persistentvolumeclaims: no PersistentVolumeClaim in',
        '    the manifests',
        '  STS-005: needs pods: not in the manifests',
        '',
      ].join('\n'),
    );
  });
});

describe('a cluster without the snapshot CRDs', () => {
  it('says the snapshot checks do not apply, once and dimmed, not as skipped checks', () => {
    const notInstalled = 'not installed: the API server does not serve snapshot.storage.k8s.io/v1 (the CSI snapshot CRDs (external-snapshotter))';
    const snapshot = snapshotFromObjects(loadFixture('sts-mount-undefined')[0]!.objects, {
      source: 'cluster',
      now: FIXTURE_NOW,
      unavailable: { volumesnapshots: notInstalled, volumesnapshotcontents: notInstalled, volumesnapshotclasses: notInstalled },
    });
    const { findings, skipped } = runChecks(snapshot);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.every((s) => s.notInstalled)).toBe(true);
    const text = renderTable(buildReport({ source: 'cluster', allNamespaces: true }, findings, skipped), { wide: false, paint: makePaint(false), width: 80 });
    expect(text).not.toContain('Skipped');
    expect(text.replace(/\n/g, ' ')).toContain(`Not applicable here: ${skipped.map((s) => s.check).join(', ')} (${notInstalled}).`);
  });
});
