// Builds the CLI and the programs it starts to JavaScript in out/cli/ (not dist/: `vite build`
// empties dist/ for the lab, which would delete the CLI under a running test). Node then starts
// plain ESM instead of compiling TypeScript with tsx on every call (measured here: a `validate`
// took 0.45 s and 100 MiB peak RSS with tsx, 0.1 s and 48 MiB built).
// Run by `npm run build:cli`, `prepare` (npm ci), `npm start`, `npm test` and the tests'
// globalSetup, so nothing runs a stale build. Usage: node bench/tools/build-cli.mjs
import { rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const OUT_DIR = `${ROOT}out/cli`;

export async function buildCli() {
  rmSync(OUT_DIR, { recursive: true, force: true }); // chunk names carry hashes: drop old ones
  await build({
    absWorkingDir: ROOT,
    entryPoints: {
      brokerlab: 'bench/cli/bin.ts',
      'sweep-worker': 'bench/harness/worker-main.ts',
      'memory-child': 'bench/memory-child-main.ts',
      'real-consumer': 'bench/real/consumer-main.ts',
    },
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    // Splitting puts the CLI behind bin.ts's dynamic import (so source maps can be enabled
    // first) and shares sim-core between the three entries. Chunks stay next to the entries:
    // bench/harness/built.ts finds the worker relative to whichever file it was bundled into.
    splitting: true,
    chunkNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // yaml is bundled too: measured, the CLI starts as fast or faster than with yaml imported
    // from node_modules, and runs without node_modules. yaml's Node build is CommonJS and
    // requires Node built-ins, so the bundle gets a require.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    sourcemap: true,
    sourcesContent: false, // the maps point at the TypeScript files in the repo
    logLevel: 'warning',
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await buildCli();
