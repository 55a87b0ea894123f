// Every finding of every fixture case, whole, in a file per check
// (findings-as-reported/<check>.yaml): the objects it relates, the evidence it
// quotes, its severity, its StatefulSet, the repair it suggests and that
// repair's description. checks.test.ts asserts which findings a case yields,
// their messages and commands; this file makes every other field a change a
// reviewer sees in the diff, not one that passes unnoticed. After a deliberate
// change: `npx vitest run --project unit -u test/unit/checks/findings-as-reported.test.ts`.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ALL_CHECKS } from '../../../src/checks/index.js';
import { findingsOfCase, loadFixture } from './fixture-loader.js';

describe('findings as the audit reports them, whole', () => {
  for (const check of ALL_CHECKS) {
    it(`${check.code} ${check.id}`, async () => {
      const byCase = Object.fromEntries(loadFixture(check.id).map((c) => [c.name, findingsOfCase(check, c)]));
      await expect(stringify(byCase, { lineWidth: 0 })).toMatchFileSnapshot(`./findings-as-reported/${check.id}.yaml`);
    });
  }
});
