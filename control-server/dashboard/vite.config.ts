import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('../..', import.meta.url));

// The operators' and technicians' dashboard: served by the control server at `/` (SPA fallback),
// talking to its API under /api/v1 and its live stream at /api/v1/stream. No CDN, no fonts or
// map tiles fetched at run time: the base map is bundled from content/map.
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: `${repo}dist/dashboard`,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
  },
  server: { fs: { allow: [repo] }, proxy: { '/api': 'http://127.0.0.1:8080' } },
});
