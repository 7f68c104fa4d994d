#!/usr/bin/env node
// The `brokerlab` command (package.json "bin"): runs the CLI built to out/cli/ by
// `npm run build:cli` (also run by npm ci, npm start and npm test). Plain JavaScript, so a call
// starts in well under a second instead of compiling TypeScript with tsx first.
import { existsSync } from 'node:fs';

const built = new URL('../../out/cli/brokerlab.mjs', import.meta.url);
if (existsSync(built)) await import(built.href);
else {
  process.stderr.write(
    'brokerlab: the CLI is not built (out/cli/ is missing): run npm run build:cli\n',
  );
  process.exitCode = 1;
}
