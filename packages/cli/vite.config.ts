import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The `tubekit view` page: `viewer/` built to `dist/viewer/` (static files the CLI serves).
 * Relative asset paths, no public dir, no network at build time.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./viewer', import.meta.url)),
  base: './',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./dist/viewer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: false,
  },
});
