// scripts/bundle.mjs: what the bundle holds of client-node. The plugin reads plain JSON and
// sends its own requests; the generated models and node-fetch (with tr46's Unicode table) had
// been loaded at start and kept alive on serve's heap for nothing.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a build script in JavaScript, without types
import { bundle } from '../../../scripts/bundle.mjs';

interface Metafile {
  inputs: Record<string, { imports: { path: string; kind: string }[] }>;
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

describe('the bundle', async () => {
  const { metafile } = (await bundle({ write: false })) as { metafile: Metafile };
  const output = Object.entries(metafile.outputs).find(([file]) => file.endsWith('.cjs'))![1];
  const bundled = Object.keys(output.inputs);
  const importsOf = (file: string) => metafile.inputs[bundled.find((f) => f.endsWith(file))!].imports;

  it('holds none of client-node generated models, nor their serializer', () => {
    expect(bundled.filter((f) => f.includes('client-node/dist/gen/models/'))).toEqual([]);
    expect(bundled.filter((f) => f.endsWith('client-node/dist/serializer.js'))).toEqual([]);
    // what it does keep of client-node: the kubeconfig handling and ListWatch
    expect(bundled.some((f) => f.endsWith('client-node/dist/config.js'))).toBe(true);
    expect(bundled.some((f) => f.endsWith('client-node/dist/cache.js'))).toBe(true);
  });

  it('loads node-fetch only where it is called (a require at the call), not as client-node loads', () => {
    const fetchImports = bundled
      .filter((f) => f.includes('client-node/dist/'))
      .flatMap((f) => metafile.inputs[f].imports.filter((i) => i.path.includes('node_modules/node-fetch/')).map((i) => i.kind));
    expect(fetchImports.length).toBeGreaterThan(0);
    expect(new Set(fetchImports)).toEqual(new Set(['require-call']));
    expect(importsOf('client-node/dist/config.js').some((i) => i.path.includes('client-node/dist/gen/index.js'))).toBe(false);
  });
}, 60_000);
