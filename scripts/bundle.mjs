#!/usr/bin/env node
// `npm run bundle`: the CLI as one file for the single executables and fast
// start-up: dist/bundle/kubectl-sts-storage.cjs (CommonJS, as Node's single
// executable applications require).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = path.join(ROOT, 'dist', 'bundle', 'kubectl-sts-storage.cjs');

// client-node's modules have no side effects on import, but the package does
// not say so; saying it lets tree-shaking drop the generated API clients the
// plugin never calls (most of the package's size).
const sideEffectFree = {
  name: 'side-effect-free',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.skip || !/client-node/.test(args.resolveDir + args.path)) return undefined;
      const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: { skip: true } });
      if (r.errors.length || !r.path.includes(`${path.sep}@kubernetes${path.sep}client-node${path.sep}`)) return undefined;
      return { ...r, sideEffects: false };
    });
  },
};

export async function bundle() {
  const result = await build({
    entryPoints: [path.join(ROOT, 'src', 'cli', 'entry.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: BUNDLE,
    // yargs' ESM build reads import.meta.url, which is empty in CommonJS.
    define: { 'import.meta.url': '__import_meta_url' },
    // Dependencies' deprecation notices (punycode on Node 22) mean nothing to users.
    banner: { js: "process.noDeprecation = true; var __import_meta_url = require('url').pathToFileURL(__filename).href;" },
    external: ['bufferutil', 'utf-8-validate'],
    legalComments: 'external',
    minify: true,
    // Error classes are told apart by name (YError, ApiError...).
    keepNames: true,
    plugins: [sideEffectFree],
    metafile: true,
    logLevel: 'warning',
  });
  return result;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await bundle();
  const bytes = Object.values(r.metafile.outputs).reduce((a, o) => a + o.bytes, 0);
  process.stdout.write(`wrote ${path.relative(process.cwd(), BUNDLE)} (${(bytes / 1024 / 1024).toFixed(1)} MiB)\n`);
}
