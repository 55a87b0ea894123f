// The layers' walls, checked by `npm run lint` (part of `npm test`). Data
// flows one way: kube -> snapshot -> analysis -> checks -> output, and
// plan -> apply; serve (watch, metrics) sits above output; the CLI sits on
// top. A wall here is a build error.
module.exports = {
  forbidden: [
    {
      name: 'checks-and-output-never-reach-the-cluster',
      comment: 'Checks and renderers are pure functions of a snapshot or a report: no client of any kind.',
      severity: 'error',
      from: { path: '^src/(checks|output)/' },
      to: { path: '^src/kube/(client|read-client)\\.ts$' },
    },
    {
      name: 'snapshot-never-imports-checks',
      comment: 'The snapshot is read before any check runs; knowledge of findings belongs above it.',
      severity: 'error',
      from: { path: '^src/snapshot/' },
      to: { path: '^src/(checks|analysis|output|fixes)/' },
    },
    {
      name: 'analysis-never-imports-checks',
      comment: "The analysis speaks in causes; which check reports a cause is the checks' business.",
      severity: 'error',
      from: { path: '^src/analysis/' },
      to: { path: '^src/(checks|output|fixes|cli)/' },
    },
    {
      name: 'fixes-never-import-cli',
      comment: 'The repair engine returns outcomes and raises domain errors; cli/run-plan.ts renders, asks and maps exit codes.',
      severity: 'error',
      from: { path: '^src/fixes/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'only-apply-plan-holds-a-writing-client',
      comment: 'Below the CLI, only the engine that writes (and the permission check it runs) may hold a KubeClient; the rest read through ReadClient.',
      severity: 'error',
      from: { path: '^src/(?!cli/)', pathNot: '^src/fixes/(apply-plan|access)\\.ts$' },
      to: { path: '^src/kube/client\\.ts$' },
    },
    {
      name: 'serve-is-read-only',
      comment: 'serve watches and reports; a long-running process that writes would be a different tool. It never reaches the repairs.',
      severity: 'error',
      from: { path: '^src/serve/' },
      to: { path: '^src/fixes/' },
    },
    {
      name: 'nothing-below-serve-imports-it',
      comment: 'serve sits between the CLI and the renderers: output, fixes, checks, analysis, snapshot and kube know nothing of it.',
      severity: 'error',
      from: { path: '^src/(output|fixes|checks|analysis|snapshot|kube)/' },
      to: { path: '^src/serve/' },
    },
    {
      name: 'nothing-imports-the-cli',
      comment: 'The CLI is the top layer.',
      severity: 'error',
      from: { path: '^src/(?!cli/|tools/)' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
  },
};
