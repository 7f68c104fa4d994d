import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The lab: a static app; the engine runs in a module worker (format 'es', or Vite quietly builds
// a classic worker that cannot import modules).
export default defineConfig({
  plugins: [svelte({ compilerOptions: { runes: true } })],
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', chunkSizeWarningLimit: 1500 },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: false },
});
