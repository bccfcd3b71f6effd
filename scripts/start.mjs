// `pnpm start`: the Signet server on embedded defaults (SQLite and a software key store in
// .signet-server/, plain HTTP on 127.0.0.1:8700). On first start it prints the admin token once,
// with the three commands that sign a file through it and verify the result with openssl.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { SIGNET_DATA: join(root, '.signet-server'), ...process.env };
const server = spawn(process.execPath, [join(root, 'packages/server/dist/signet-server.js')], {
  env,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
