import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Real OpenSSL, for the other side of enrollment and TLS: CSRs, a foreign CA, a server certificate. */
export function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A P-256 key and a CSR for it, as an agent makes them. */
export function makeCsr(dir: string, name: string): { keyPem: string; csrPem: string } {
  const [key, csr] = [join(dir, `${name}.key`), join(dir, `${name}.csr`)];
  openssl('req', '-new', ...EC, '-subj', `/CN=${name}`, '-keyout', key, '-out', csr);
  return { keyPem: readFileSync(key, 'utf8'), csrPem: readFileSync(csr, 'utf8') };
}

/** A self-signed certificate and key (`-addext` lines added), e.g. a foreign CA or the TLS server. */
export function makeSelfSigned(dir: string, name: string, ...addext: string[]): { keyPem: string; certPem: string } {
  const [key, cert] = [join(dir, `${name}.key`), join(dir, `${name}.pem`)];
  const ext = addext.flatMap((e) => ['-addext', e]);
  openssl('req', '-x509', ...EC, '-days', '1', '-subj', `/CN=${name}`, ...ext, '-keyout', key, '-out', cert);
  return { keyPem: readFileSync(key, 'utf8'), certPem: readFileSync(cert, 'utf8') };
}

/** A clientAuth certificate for `name`'s CSR, signed by the self-signed CA `caName` in `dir`. */
export function signWithForeignCa(dir: string, caName: string, name: string): string {
  const ext = join(dir, 'client.ext');
  writeFileSync(ext, 'extendedKeyUsage=clientAuth\n');
  const out = join(dir, `${name}-by-${caName}.pem`);
  openssl(
    'x509',
    '-req',
    '-in',
    join(dir, `${name}.csr`),
    '-CA',
    join(dir, `${caName}.pem`),
    '-CAkey',
    join(dir, `${caName}.key`),
    '-set_serial',
    '7',
    '-days',
    '1',
    '-extfile',
    ext,
    '-out',
    out,
  );
  return readFileSync(out, 'utf8');
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'signet-auth-'));
}
