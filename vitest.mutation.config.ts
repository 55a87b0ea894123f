// `npm run mutation` (StrykerJS): the unit suite alone. The integration suite
// needs a control plane and minutes per run; a mutant is judged by the tests
// that run in milliseconds, and what only the control plane proves stays
// proven there.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
  },
});
