// `npm run compare`: builds every scenario in one cluster, runs the three
// tools, and writes docs/comparison.md from what they print. Not part of
// `npm test` (it needs the peers' source, ../shared/third-party, and minutes).
// Its one assertion is the page's claim about this tool: the audit names
// every scenario's root cause with the expected code.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, ROOT, skipReason } from '../integration/helpers.js';
import { SCENARIOS } from './scenarios.js';
import { runK8sgpt, runOurs, runPopeye, type ToolRun } from './tools.js';
import { judge, renderComparison, type Row } from './judge.js';

describe.skipIf(!!skipReason)('what each tool finds', () => {
  const cluster = new Cluster();
  const rows: Row[] = [];
  let runs: ToolRun[] = [];

  beforeAll(async () => {
    for (const scenario of SCENARIOS) {
      const ns = await cluster.namespace(scenario.id, { exact: true });
      const built = await scenario.build(cluster, ns);
      rows.push({ scenario, ns, built, verdicts: new Map() });
    }
    runs = [runOurs(cluster.kubeconfigPath), runPopeye(cluster.kubeconfigPath), runK8sgpt(cluster.kubeconfigPath)];
    for (const row of rows) for (const run of runs) if (!run.missing) row.verdicts.set(run.tool, judge(run, row.ns, row.built));
    const version = await cluster.client.request<{ gitVersion: string }>('GET', '/version');
    const page = renderComparison(runs, rows, { kubernetes: version.gitVersion, date: new Date().toISOString().slice(0, 10) });
    fs.writeFileSync(path.join(ROOT, 'docs', 'comparison.md'), page + '\n');
    for (const run of runs) if (run.missing) process.stderr.write(`[compare] ${run.tool} not run: ${run.missing}\n`);
  }, 900_000);

  afterAll(async () => {
    await cluster.cleanup();
  });

  it('the audit names the object and the root cause of every scenario, with the expected code', () => {
    const ours = runs[0]!;
    for (const row of rows) {
      const v = row.verdicts.get(ours.tool)!;
      expect({ scenario: row.scenario.id, object: v.object, cause: v.cause }).toEqual({ scenario: row.scenario.id, object: true, cause: true });
      expect(
        v.quotes.map((q) => q.text.split(' ')[0]),
        row.scenario.id,
      ).toContain(row.scenario.code);
    }
  });
});
