/**
 * Builds the console into dist/, served by `parley serve` at /console: hashed file names under
 * /console/assets/ (cached for a year), and index.html (revalidated) for every other path, so
 * client-side routes survive a reload.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // Mantine and the charts make one large vendor chunk; the console is one page people keep open.
    chunkSizeWarningLimit: 1500,
  },
  // The API runs on `parley serve` (npm start); `npm run dev -w apps/console` proxies to it.
  server: { proxy: { '/v1': 'http://127.0.0.1:8080' } },
});
