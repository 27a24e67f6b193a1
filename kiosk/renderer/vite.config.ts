import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('../..', import.meta.url));

// The kiosk renderer: one static bundle served by the screen's agent (browser shell), loaded from disk
// by Electron, and embedded by the dashboard's preview iframe. base './' keeps every URL relative.
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${repo}dist/renderer`,
    emptyOutDir: true,
    target: 'chrome120',
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 900,
  },
  server: { fs: { allow: [repo] } },
});
