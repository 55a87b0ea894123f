#!/usr/bin/env node
// `npm run bundle`: the CLI as one file for the single executables and fast
// start-up: dist/bundle/kubectl-sts-storage.cjs (CommonJS, as Node's single
// executable applications require).
import fs from 'node:fs';
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

// client-node is loaded for its kubeconfig handling (KubeConfig) and serve's
// ListWatch; the plugin sends its own requests and reads plain JSON. Three of
// the package's imports loaded far more than that, and kept it alive on the
// heap for as long as serve runs (7 MiB of its 13 with nothing to watch):
// - config.js takes createConfiguration and ServerConfiguration through the
//   generated index, which re-exports all 717 generated models;
// - cache.js (ListWatch) imports the serializer, whose type map names every
//   model, only to pass its label and field selectors, strings, through
//   unchanged (a primitive type is returned as given);
// - node-fetch 2 loads whatwg-url and tr46's Unicode mapping table (23,000
//   arrays) as it loads, for the fetch options and API clients the plugin
//   never builds: it is now loaded on first use, the same package if called.
// Each rewrite is checked at build time: should client-node change one of
// these files, the build fails here instead of bundling something else.
const rewrites = [
  {
    file: /client-node[\\/]dist[\\/]config\.js$/,
    edits: [
      [
        "import { createConfiguration, ServerConfiguration, } from './gen/index.js';",
        "import { createConfiguration } from './gen/configuration.js';\nimport { ServerConfiguration } from './gen/servers.js';",
      ],
      ["import { Headers } from 'node-fetch';", "function Headers(init) { return new (require('node-fetch').Headers)(init); }"],
    ],
  },
  {
    file: /client-node[\\/]dist[\\/]gen[\\/]http[\\/]isomorphic-fetch\.js$/,
    edits: [['import fetch from "node-fetch";', "const fetch = (url, init) => require('node-fetch')(url, init);"]],
  },
  {
    file: /client-node[\\/]dist[\\/]cache\.js$/,
    edits: [["import { ObjectSerializer } from './serializer.js';", 'const ObjectSerializer = { serialize: (data) => data };']],
    // every use of the serializer is a selector serialized as a string
    check: (source) => {
      const calls = source.match(/ObjectSerializer\.\w+\([^)]*\)/g) ?? [];
      return calls.length > 0 && calls.every((c) => /^ObjectSerializer\.serialize\(this\.\w+, 'string'\)$/.test(c));
    },
  },
];
const clientNodeAsUsed = {
  name: 'client-node-as-used',
  setup(b) {
    for (const { file, edits, check } of rewrites) {
      b.onLoad({ filter: file }, async (args) => {
        let source = await fs.promises.readFile(args.path, 'utf8');
        if (check && !check(source)) throw new Error(`${args.path} changed: review the client-node-as-used plugin in scripts/bundle.mjs`);
        for (const [from, to] of edits) {
          if (!source.includes(from)) throw new Error(`${args.path} changed (no "${from}"): review the client-node-as-used plugin in scripts/bundle.mjs`);
          source = source.replace(from, to);
        }
        return { contents: source, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    }
  },
};

// Every line of --help and of a table goes through string-width, which runs a
// regular expression of all emoji over it: on start-up that cost more than the
// rest of --help. Printable ASCII is one column a character, so the wrapper
// answers that at once and hands anything else (ANSI, wide, emoji) to the
// package. Applies to every copy (cliui, wrap-ansi, cli-table3, ours).
const asciiWidth = {
  name: 'ascii-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData?.skip) return undefined;
      const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: { skip: true } });
      if (r.errors.length) return undefined;
      return { path: r.path, namespace: 'ascii-string-width' };
    });
    b.onLoad({ filter: /.*/, namespace: 'ascii-string-width' }, (args) => ({
      resolveDir: path.dirname(args.path),
      // The package itself is loaded by the first text that needs it: string-width 8 builds an Intl.Segmenter as it loads.
      // CommonJS, so that both import (cliui, wrap-ansi) and require (cli-table3) get the function.
      contents: `const printable = /^[ -~]*$/;
let stringWidth;
module.exports = function asciiFirst(text, options) {
  if (typeof text === 'string' && printable.test(text)) return text.length;
  if (!stringWidth) { const m = require(${JSON.stringify(args.path)}); stringWidth = m.default ?? m; }
  return stringWidth(text, options);
};
module.exports.default = module.exports;`,
      loader: 'js',
    }));
  },
};

// yargs guesses a version by walking up from the working directory (a bundle
// has no node_modules in its path) and reading the first package.json it
// meets: a readdir of every directory on the way at each start, and a stranger's
// package.json read. The plugin has version(false) and no package.json config.
const noPackageSearch = {
  name: 'yargs-no-package-search',
  setup(b) {
    b.onLoad({ filter: /yargs[\/]lib[\/]platform-shims[\/]esm\.mjs$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const patched = source.replace('findUp: escalade,', 'findUp: () => undefined,');
      if (patched === source) throw new Error(`${args.path}: "findUp: escalade," not found; yargs changed, review the noPackageSearch plugin`);
      return { contents: patched, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/** `write: false` builds it in memory (the tests read what it holds without replacing the one that runs). */
export async function bundle({ write = true } = {}) {
  const result = await build({
    write,
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
    plugins: [sideEffectFree, clientNodeAsUsed, asciiWidth, noPackageSearch],
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
