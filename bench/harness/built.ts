// Where the built programs the CLI starts (sweep worker, memory child) are: next to the bundle
// this module was built into (out/cli/, see bench/tools/build-cli.mjs), or, when this file runs
// as TypeScript (vitest, tsx), in the repo's out/cli/. Node 20 cannot start a .ts worker.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RunError } from '../cli/errors';

const DIR = import.meta.url.endsWith('.ts')
  ? new URL('../../out/cli/', import.meta.url)
  : new URL('./', import.meta.url);

/** The file URL of out/cli/NAME; says how to build it when it is missing. */
export function builtEntry(name: string): URL {
  const url = new URL(name, DIR);
  if (!existsSync(url))
    throw new RunError(`${fileURLToPath(url)} is missing: run npm run build:cli`);
  return url;
}
