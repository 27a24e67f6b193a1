#!/usr/bin/env node
// Bundles the Electron shell for packaging: kiosk/main/electron/main.ts -> dist/electron/main.mjs
// (ESM, dependencies stay in node_modules, which electron-builder packs) and preload.ts ->
// dist/electron/preload.cjs (CommonJS, self-contained: a sandboxed preload may require only 'electron').
// Usage: node scripts/build-electron.mjs [--out DIR]
import { build } from 'esbuild';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const outIdx = process.argv.indexOf('--out');
const out = outIdx > 0 ? process.argv[outIdx + 1] : join(root, 'dist', 'electron');

const common = { bundle: true, platform: 'node', target: 'node22', sourcemap: true, logLevel: 'warning' };
await build({
  ...common,
  entryPoints: [join(root, 'kiosk/main/electron/main.ts')],
  outfile: join(out, 'main.mjs'),
  format: 'esm',
  packages: 'external',
  external: ['electron'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
await build({
  ...common,
  entryPoints: [join(root, 'kiosk/main/electron/preload.ts')],
  outfile: join(out, 'preload.cjs'),
  format: 'cjs',
  external: ['electron'],
});
console.log(`[build-electron] ${out}/main.mjs, ${out}/preload.cjs`);
