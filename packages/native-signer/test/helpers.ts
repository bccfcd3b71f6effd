import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrehashHash, PrehashScheme } from '../index.mjs';

export const DIGEST_LENGTH: Record<PrehashHash, number> = { sha256: 32, sha384: 48, sha512: 64 };

export interface TestKey {
  name: string;
  pkcs8: Buffer;
  publicKey: KeyObject;
}

export function rsaKey(bits: number): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return { name: `RSA-${bits}`, pkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }), publicKey };
}

export function ecKey(curve: 'P-256' | 'P-384' | 'P-521'): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  return { name: curve, pkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }), publicKey };
}

export function digestOf(hash: PrehashHash, message: Uint8Array): Buffer {
  return createHash(hash).update(message).digest();
}

/** Verifies a signature over a digest with the openssl command line, as a user would. */
export function opensslVerify(
  publicKey: KeyObject,
  scheme: PrehashScheme,
  hash: PrehashHash,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'native-signer-'));
  try {
    writeFileSync(join(dir, 'pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(dir, 'digest.bin'), digest);
    writeFileSync(join(dir, 'sig.bin'), signature);
    const pss = scheme === 'pss' ? ['-pkeyopt', 'rsa_padding_mode:pss', '-pkeyopt', 'rsa_pss_saltlen:digest'] : [];
    execFileSync(
      'openssl',
      [
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        'pub.pem',
        '-in',
        'digest.bin',
        '-sigfile',
        'sig.bin',
        '-pkeyopt',
        `digest:${hash}`,
        ...pss,
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The `code` of what `fn` throws (or of the rejection it returns). */
export async function errorCode(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  throw new Error('expected an error');
}
