// Each check's example message, for docs/checks.md, `explain` and SARIF rule
// help. It is the message the check's first fire- fixture asserts, copied
// here by `npm run docs` (a test fails when it is stale), so the docs show
// only text the tool really prints.
import type { Check } from './check.js';
import examples from './examples.json' with { type: 'json' };

export function exampleOf(check: Check): string {
  return (examples as Record<string, string>)[check.code] ?? '';
}
