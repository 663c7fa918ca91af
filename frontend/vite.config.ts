import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The API server the dev server forwards to (`jitspace demo --port 8711`).
const api = process.env.JITSPACE_API ?? 'http://127.0.0.1:8711';
const apiPaths = ['/auth', '/investigations', '/ledger', '/rulebooks', '/health'];

export default defineConfig({
  plugins: [svelte()],
  base: '/',
  build: {
    // The Python server serves this folder; the bundle is committed so a checkout runs
    // without Node. `npm run build -- --outDir <dir>` rebuilds elsewhere for comparison.
    outDir: '../jitspace/web/static',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: Object.fromEntries(
      apiPaths.map((path) => [path, { target: api, changeOrigin: false, ws: path === '/investigations' }]),
    ),
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
