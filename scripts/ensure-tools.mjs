// Installs the Debian tools the test suite verifies against, when they are missing.
// The tests use the real verifiers users trust; nothing here is mocked.
import { execFileSync, spawnSync } from 'node:child_process';

/** command → Debian package that provides it */
export const TOOLS = {
  openssl: 'openssl',
  'softhsm2-util': 'softhsm2', // PKCS#11 provider tests
  'pkcs11-tool': 'opensc', // keys made on the token from outside the provider
  jarsigner: 'openjdk-17-jdk-headless', // JAR signatures (jar, jarsigner)
  gpg: 'gnupg', // OpenPGP signatures
  sq: 'sq', // OpenPGP signatures, a second verifier
  osslsigncode: 'osslsigncode', // Authenticode signatures
  'x86_64-w64-mingw32-gcc': 'gcc-mingw-w64', // real PE files to sign, 32- and 64-bit
};

export function missingTools(tools = TOOLS) {
  return Object.entries(tools).filter(([command]) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0);
}

export function ensureTools(tools = TOOLS) {
  const missing = missingTools(tools);
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map(([, pkg]) => pkg))];
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing tools: ${missing.map(([c]) => c).join(', ')}; install: apt-get install -y ${packages.join(' ')}`,
    );
  }
  console.error(`Installing ${packages.join(', ')} (needed by the tests)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
}

if (import.meta.url === `file://${process.argv[1]}`) ensureTools();
