// The default audit table, as a user sees it: seed 000 and seed 002 in one
// namespace, rendered as a terminal of 100 columns and as a pipe.
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run-checks.js';
import { makePaint } from '../../../src/output/colors.js';
import { buildReport } from '../../../src/output/report.js';
import { renderTable } from '../../../src/output/table.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';
import { loadFixture, FIXTURE_NOW } from '../checks/fixture-loader.js';

function report() {
  const objects = [...loadFixture('sts-mount-undefined')[0]!.objects, ...loadFixture('pv-released-stale-claimref')[0]!.objects];
  const snapshot = snapshotFromObjects(objects, { source: 'cluster', now: FIXTURE_NOW, serverVersion: { major: 1, minor: 37, gitVersion: 'v1.37.2' } });
  const { findings, skipped } = runChecks(snapshot);
  return buildReport({ source: 'cluster', serverVersion: 'v1.37.2', allNamespaces: true }, findings, skipped);
}

describe('the audit table', () => {
  it('on a 100-column terminal', () => {
    expect(renderTable(report(), { wide: false, paint: makePaint(false), width: 100 })).toMatchSnapshot();
  });
  it('piped, -o wide', () => {
    expect(renderTable(report(), { wide: true, paint: makePaint(false) })).toMatchSnapshot();
  });
});
