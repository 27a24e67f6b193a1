import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { type Plugin, defineConfig } from 'vite';
import { iconPng, serviceWorkerSource } from './mobile/build-assets.ts';

const root = fileURLToPath(new URL('./mobile', import.meta.url));
const repo = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Emits the app icons (PNG, drawn here so no binary is committed) and the service worker, whose
 * precache list is every file of this build and whose cache name is the hash of that list.
 */
function pwa(): Plugin {
  return {
    name: 'stander-mobile-pwa',
    apply: 'build',
    generateBundle(_opts, bundle) {
      for (const size of [192, 512])
        this.emitFile({ type: 'asset', fileName: `icon-${size}.png`, source: iconPng(size) });
      const files = [...Object.keys(bundle), 'icon-192.png', 'icon-512.png', 'manifest.webmanifest'].filter(
        (f) => f !== 'index.html' && !f.endsWith('.map'),
      );
      const version = createHash('sha256').update(files.sort().join('\n')).digest('hex').slice(0, 16);
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: serviceWorkerSource(version, files) });
    },
  };
}

// The mobile companion (issue 10): the renderer's fourth profile as its own entry, served by the
// control server under /m/. base './' keeps every URL relative to /m/.
export default defineConfig({
  root,
  base: './',
  publicDir: fileURLToPath(new URL('./mobile/public', import.meta.url)),
  plugins: [react(), pwa()],
  build: {
    outDir: `${repo}dist/mobile`,
    emptyOutDir: true,
    target: ['chrome110', 'safari16', 'firefox115'],
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 900,
  },
  server: { fs: { allow: [repo] } },
});
