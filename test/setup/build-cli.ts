// globalSetup of the tests that spawn the CLI or its workers: builds out/cli/ first (~0.4 s), so
// they never run a stale build. Projects sharing this file build once per vitest run.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const state = globalThis as { brokerlabCliBuilt?: boolean };

export default function setup(): void {
  if (state.brokerlabCliBuilt) return;
  // Synchronous, so two projects' setups cannot build into out/cli/ at the same time.
  execFileSync(process.execPath, ['bench/tools/build-cli.mjs'], { cwd: ROOT, stdio: 'inherit' });
  state.brokerlabCliBuilt = true;
}
