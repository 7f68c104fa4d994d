// Entry of the built CLI (out/cli/brokerlab.mjs, see bench/tools/build-cli.mjs). Source maps must
// be switched on before the code they map is loaded, so the CLI itself is imported only after:
// with BROKERLAB_DEBUG set, an internal error's stack then names TypeScript lines. Off otherwise,
// since users never see a stack.
if (process.env.BROKERLAB_DEBUG) process.setSourceMapsEnabled(true);
// A reader that goes away (`brokerlab run x.yaml | head`) is not an error: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
const { main } = await import('./main');
process.exitCode = await main(process.argv.slice(2));

export {}; // a module, for top-level await
