#!/usr/bin/env node
// CLI entry: registers tsx so the TypeScript sources run directly, then starts the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
