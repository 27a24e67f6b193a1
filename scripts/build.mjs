#!/usr/bin/env node
// Builds the browser bundles with Vite: each vite config listed here that exists.
// --if-stale skips a bundle whose output is newer than every file under its source folder.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const ifStale = process.argv.includes('--if-stale');
/** [vite config, source folders, output folder] */
const bundles = [
  ['kiosk/renderer/vite.config.ts', ['kiosk/renderer', 'protocol', 'content'], 'dist/renderer'],
  ['kiosk/renderer/vite.mobile.config.ts', ['kiosk/renderer', 'protocol', 'content'], 'dist/mobile'],
  ['control-server/dashboard/vite.config.ts', ['control-server/dashboard', 'protocol'], 'dist/dashboard'],
];

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

for (const [config, sources, out] of bundles) {
  if (!existsSync(join(root, config))) continue;
  const outIndex = join(root, out, 'index.html');
  if (ifStale && existsSync(outIndex)) {
    const built = statSync(outIndex).mtimeMs;
    if (sources.every((s) => newest(join(root, s)) < built)) continue;
  }
  console.log(`[build] ${config}`);
  const r = spawnSync('npx', ['vite', 'build', '--config', config, '--logLevel', 'warn'], {
    stdio: 'inherit',
    cwd: root,
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
