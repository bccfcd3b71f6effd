// `pnpm demo`: Signet embedded, without a server: the CLI signs with a local key store.
// A software key store in .signet/ (created on first run), a key with a self-signed code-signing
// certificate, a sample file signed as detached CMS through the signing engine (policy, then the
// audit log in .signet/audit), and the signature verified by Signet and, when it is installed,
// by openssl.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const home = join(root, '.signet');
const cli = join(root, 'packages/cli/dist/signet.js');
const env = { ...process.env, SIGNET_HOME: home };
const show = (p) => relative(process.cwd(), p) || '.';

mkdirSync(home, { recursive: true, mode: 0o700 });
if (
  !['SIGNET_PASSPHRASE', 'SIGNET_PASSPHRASE_FILE', 'SIGNET_MASTER_KEY', 'SIGNET_MASTER_KEY_FILE'].some((v) => env[v])
) {
  // Development default: a master key beside the store. Real deployments pass a secret instead.
  const keyFile = join(home, 'master.key');
  if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  env.SIGNET_MASTER_KEY_FILE = keyFile;
  console.log(
    `Development key store: ${show(home)} (master key in ${show(keyFile)}; set SIGNET_PASSPHRASE for real keys)\n`,
  );
}

/** Runs the signet CLI with --json; exits with its code and message on failure. */
function signet(...args) {
  const result = spawnSync(process.execPath, [cli, '--json', ...args], { env, encoding: 'utf8' });
  const output = result.stdout ? JSON.parse(result.stdout) : {};
  if (result.status !== 0) {
    console.error(`signet ${args.join(' ')}: ${output.error?.message ?? result.stderr.trim()}`);
    process.exit(result.status ?? 1);
  }
  return output;
}

const uri = 'soft://demo';
const known = signet('keys', 'list').keys ?? [];
let key = known.find((k) => k.uri === uri);
if (!key) {
  key = signet('keys', 'create', 'demo', '--type', 'ec-p256');
  console.log(`✔ created key      ${uri} (${key.type})`);
} else {
  console.log(`✔ key              ${uri} (${key.type})`);
}
const certificate = key.certificate ?? signet('keys', 'cert', uri, '--subject', 'CN=Signet Demo, O=Signet').certificate;
console.log(`✔ certificate      ${certificate.subject}, valid until ${certificate.notAfter.slice(0, 10)}`);

const sample = join(home, 'sample.txt');
writeFileSync(sample, `Signed by Signet at ${new Date().toISOString()}\n`);
const signed = signet('sign', sample, '--key', uri, '--format', 'cms', '--force').signatures[0];
console.log(`✔ signed           ${show(sample)} → ${show(signed.signature)} (CMS, ${key.algorithms[0]})`);
console.log(`                   sha256 ${signed.digest.value}`);

const auditFile = join(home, 'audit', 'events.jsonl');
const audited = readFileSync(auditFile, 'utf8')
  .trim()
  .split('\n')
  .slice(-2)
  .map((line) => JSON.parse(line));
console.log(`✔ audited          ${audited.map((e) => `#${e.index} ${e.type}`).join(', ')} in ${show(auditFile)}`);

const verified = signet('verify', sample, '--key', uri);
console.log(`✔ verified         by Signet: signed by ${verified.signer.subject} at ${verified.signingTime}`);

const certPem = join(home, 'demo.pem');
writeFileSync(
  certPem,
  execFileSync(process.execPath, [cli, 'keys', 'show', uri, '--certificate'], { env, encoding: 'utf8' }),
);
const openssl = spawnSync(
  'openssl',
  [
    'cms',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    signed.signature,
    '-content',
    sample,
    '-CAfile',
    certPem,
    '-purpose',
    'any',
    '-out',
    '/dev/null',
  ],
  { encoding: 'utf8' },
);
if (openssl.error) {
  console.log('  (openssl is not installed: skipped the independent check)');
} else if (openssl.status === 0) {
  console.log(`✔ verified         by openssl cms -verify: ${openssl.stderr.trim()}`);
} else {
  console.error(`✖ openssl cms -verify refused the signature:\n${openssl.stderr}`);
  process.exit(5);
}

console.log(`
Try it yourself:
  export SIGNET_HOME=${show(home)} SIGNET_MASTER_KEY_FILE=${show(join(home, 'master.key'))}
  node ${show(cli)} sign README.md --key ${uri}
  node ${show(cli)} verify README.md --key ${uri}
  openssl cms -verify -binary -inform DER -in README.md.p7s -content README.md -CAfile ${show(certPem)} -purpose any -out /dev/null`);
