// `npm run mutation` (StrykerJS): the unit suite alone. The integration suite
// needs a control plane and minutes per run; a mutant is judged by the tests
// that run in milliseconds, and what only the control plane proves stays
// proven there.
//
// Left out too: the tests of reading manifests (audit -f through the whole
// command, 50 ms a case, generated streams, the chart corpus). What they test,
// src/snapshot/manifest, is outside the mutation scope, and for a check they
// run the same fixtures checks.test.ts runs in a millisecond; yet per-test
// coverage made every surviving mutant of a check run some forty of them (two
// seconds a mutant). A mutant only they would kill counts as survived: the
// score is, if anything, low.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    exclude: ['test/unit/manifests/{audit-files,streams,corpus,schema}.test.ts'],
  },
});
