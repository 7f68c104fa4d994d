import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/**
 * The built page's Content-Security-Policy: scripts and the engine's worker only from the page's
 * own origin, no inline script, no eval, no plugins, nothing sent anywhere. Inline style stays
 * allowed (Svelte sets style attributes). Only on the build: the dev server injects its client.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'brokerlab-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP },
        injectTo: 'head-prepend',
      },
    ],
  };
}

// The lab: a static app; the engine runs in a module worker (format 'es', or Vite quietly builds
// a classic worker that cannot import modules).
export default defineConfig({
  plugins: [svelte({ compilerOptions: { runes: true } }), contentSecurityPolicy()],
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', chunkSizeWarningLimit: 1500 },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: false },
});
