// A plan as the user confirms it and apply-plan runs it, for whole-plan
// snapshot tests: every write's body, path, description and permission, and
// what the plan says. The object each change is about is left out when the
// change does not alter it (before = after, as for a snapshot taken or a
// claim made from one), so the snapshot shows what is written.
import { expect } from 'vitest';
import type { Plan } from '../../../src/fixes/plan.js';

export function planAsShown(plan: Plan): unknown {
  for (const c of plan.changes) expect(c.after).toEqual(c.before);
  return JSON.parse(JSON.stringify({ ...plan, changes: plan.changes.map(({ before: _before, after: _after, ...change }) => change) }));
}
