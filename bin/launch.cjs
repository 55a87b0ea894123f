'use strict';
// Runs the bundle with V8's code cache: compiling its 1.6 MiB of JavaScript
// was about a third of every start-up. Node 22.1+ has its own cache
// (module.enableCompileCache, in os.tmpdir()/node-compile-cache, off with
// NODE_DISABLE_COMPILE_CACHE=1). On Node 20 the same is done by hand.
// v8-compile-cache, the package for it, keys its cache by require.main, which
// an ES module entry such as bin/ does not set, so it would keep one cache per
// working directory.
const Module = require('node:module');
const path = require('node:path');

const BUNDLE = path.join(__dirname, '..', 'dist', 'bundle', 'kubectl-sts-storage.cjs');

if (typeof Module.enableCompileCache === 'function') {
  Module.enableCompileCache();
  require(BUNDLE);
} else if (process.env.NODE_DISABLE_COMPILE_CACHE) {
  require(BUNDLE);
} else {
  runCached(BUNDLE);
}

function runCached(file) {
  const fs = require('node:fs');
  const os = require('node:os');
  const vm = require('node:vm');
  const source = fs.readFileSync(file, 'utf8');
  const { size, mtimeMs } = fs.statSync(file);
  // Per user, and per Node, bundle and build: V8 rejects a cache made by another version anyway.
  const dir = path.join(os.tmpdir(), `kubectl-sts-storage-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);
  const cacheFile = path.join(dir, `${process.version}-${process.arch}-${size}-${Math.trunc(mtimeMs)}.v8cache`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // first run with this bundle: compiled from source, cached at exit
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        // Whole or not at all: another run may be reading it.
        const partial = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(partial, cacheFile);
      } catch {
        // a read-only or full tmpdir only costs the next start-up its speed
      }
    });
  }
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  Module._cache[file] = mod;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
}
