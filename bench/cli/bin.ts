// Entry of the built CLI (out/cli/brokerlab.mjs, see bench/tools/build-cli.mjs). Source maps must
// be switched on before the code they map is loaded, so the CLI itself is imported only after:
// with BROKERLAB_DEBUG set, an internal error's stack then names TypeScript lines. Off otherwise,
// since users never see a stack.
if (process.env.BROKERLAB_DEBUG) process.setSourceMapsEnabled(true);
const { main } = await import('./main');
process.exitCode = await main(process.argv.slice(2));

export {}; // a module, for top-level await
