// `npm run compare` (docs/comparison.md); not part of `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/compare/**/*.compare.ts'],
    globalSetup: ['test/compare/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 900_000,
  },
});
