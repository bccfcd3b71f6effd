'use strict';
// Builds the optional addon with node-gyp. The addon only makes signing faster: when it cannot be
// built (no C compiler, no Node headers), this prints one warning line and exits 0 so the install
// goes on, and Signet signs through its portable route.
//
//   node scripts/build.cjs             quiet; node-gyp's output is shown only with --verbose
//   SIGNET_NATIVE_REQUIRED=1           a failed build exits 1 (for CI, where the addon must build)

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const verbose = process.argv.includes('--verbose');
const required = process.env.SIGNET_NATIVE_REQUIRED === '1';

/** node-gyp as [command, ...args]: the package manager's own, else one installed beside us. */
function nodeGyp() {
  // npm exports the path of its bundled node-gyp; npm and pnpm also put a `node-gyp` shim on PATH
  // for lifecycle scripts. Run by hand, fall back to the node-gyp bundled with Node's own npm.
  const script = process.env.npm_config_node_gyp;
  if (script && script.endsWith('.js')) return [process.execPath, script];
  const shim = process.platform === 'win32' ? 'node-gyp.cmd' : 'node-gyp';
  const dirs = (process.env.PATH ?? '').split(path.delimiter);
  if (dirs.some((dir) => dir && fs.existsSync(path.join(dir, shim)))) return ['node-gyp'];
  const npmDir = path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  const bundled = path.join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  return fs.existsSync(bundled) ? [process.execPath, bundled] : ['node-gyp'];
}

/** Headers of the running Node when they sit beside it, so node-gyp need not download them. */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return []; // set in .npmrc (nodedir=...) and passed down
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const headers = path.join(prefix, 'include', 'node', 'node_api.h');
  return fs.existsSync(headers) ? [`--nodedir=${prefix}`] : [];
}

function build() {
  const [command, ...args] = nodeGyp();
  const result = spawnSync(command, [...args, 'rebuild', ...nodedirArgs()], {
    cwd: root,
    stdio: verbose ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    shell: process.platform === 'win32' && command === 'node-gyp',
  });
  if (result.error) return `${command} did not start (${result.error.code ?? result.error})`;
  if (result.status !== 0) {
    // One line that says why: the compiler's or make's own words, else node-gyp's summary.
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
    const lines = output.split('\n').map((line) => line.trim());
    const said = /error|not found|no such file/i;
    const tool = lines.find((line) => !line.startsWith('gyp') && said.test(line));
    const gyp = lines.find((line) => line.startsWith('gyp ERR! stack Error:'))?.slice(22);
    const why = tool ?? gyp ?? `exit code ${result.status}`;
    return `node-gyp failed: ${why.slice(0, 160)}`;
  }
  // Built: check that it loads and signs, in a child so a broken addon cannot take us down.
  const check = spawnSync(process.execPath, ['-e', SMOKE_TEST], { cwd: root, encoding: 'utf8' });
  if (check.status === 0) return undefined;
  // Remove it, so that index.cjs never loads it.
  fs.rmSync(path.join(root, 'build', 'Release', 'prehash_signer.node'), { force: true });
  return `the addon built but does not work: ${check.stderr.trim().split('\n')[0].slice(0, 160)}`;
}

const SMOKE_TEST = `
try {
  const { createHash, generateKeyPairSync, verify } = require('node:crypto');
  const native = require('./index.cjs');
  if (!native.available) throw native.loadError;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = native.loadPrivateKey(privateKey.export({ type: 'pkcs8', format: 'der' }));
  const sig = key.sign('ecdsa', 'sha256', createHash('sha256').update('smoke').digest());
  if (!verify('sha256', Buffer.from('smoke'), publicKey, sig)) throw new Error('wrong signature');
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
`;

const problem = build();
if (problem !== undefined) {
  process.stderr.write(
    `@signet/native-signer: optional native addon not built (${problem}); Signet will sign ` +
      `with its slower portable route. For details run "node scripts/build.cjs --verbose" ` +
      `in ${root}\n`,
  );
  process.exitCode = required ? 1 : 0;
}
