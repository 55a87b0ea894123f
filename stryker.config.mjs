// Mutation testing of the safety logic and the checks: `npm run mutation`
// (every folder below) or `npm run mutation -- src/fixes` (one). Not part of
// `npm test`: a full run takes hours on two cores. Per-test coverage runs only
// the tests that reach a mutant; the incremental file lets a second run judge
// only what changed. Reports: reports/mutation/ (git-ignored).
export const DEFAULT_MUTATE = [
  'src/checks/**/*.ts',
  'src/analysis/**/*.ts',
  'src/kube/{binding,quantity,statefulset,expansion,nodes,volume-snapshot}.ts',
  'src/fixes/{plan,apply-plan,undo,recreate,owner-policy,resize,resize-through-owner,fix-claimref,prebind,restore,protect,fix-mounts,generate-template,recover-expansion,recover-node,claim-request,snapshot-set,snapshot-first,restore-from-snapshots}.ts',
];

export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  mutate: DEFAULT_MUTATE,
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 20000,
  reporters: ['html', 'json', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
