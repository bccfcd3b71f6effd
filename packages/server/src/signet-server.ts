#!/usr/bin/env node
// signet-server: reads the configuration (SIGNET_CONFIG + environment), starts the server, and
// stops cleanly on SIGINT/SIGTERM. One clear line and a non-zero exit code when it cannot start.
import { isSignetError } from '@signet/sdk';
import { loadConfig } from './config/load.js';
import { createSignetServer } from './server.js';

async function main(): Promise<void> {
  const config = await loadConfig(process.env);
  const server = await createSignetServer(config, process.env);
  const url = await server.listen();
  const lines = [`Signet server listening on ${url}`];
  if (server.bootstrapToken) {
    lines.push(
      '',
      'Admin bootstrap token (shown once; keep it safe, it will not be shown again):',
      `  ${server.bootstrapToken}`,
      '',
      'Sign a file through this server and verify it with openssl (in another terminal, in the repository):',
      `  export SIGNET_SERVER=${url} SIGNET_TOKEN=${server.bootstrapToken}`,
      '  pnpm -s signet sign README.md --key soft://signing',
      '  openssl cms -verify -binary -inform DER -in README.md.p7s -content README.md -purpose any -out /dev/null \\',
      '    -CAfile <(pnpm -s signet keys show soft://signing --certificate)',
    );
  }
  process.stderr.write(`${lines.join('\n')}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const message = isSignetError(error) ? `${error.message} (${error.code})` : String((error as Error)?.stack ?? error);
  process.stderr.write(`signet-server: ${message}\n`);
  process.exit(isSignetError(error) && error.code === 'INVALID_ARGUMENT' ? 2 : 1);
});
