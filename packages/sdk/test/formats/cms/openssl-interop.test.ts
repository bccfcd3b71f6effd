import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyCms } from '../../../src/formats/cms/index.js';
import { fromPem } from '../../../src/x509/index.js';
import { isSignetError } from '../../helpers/sdk.js';
import { openssl } from '../../helpers/openssl.js';
import { tempDir } from '../../helpers/temp.js';

/** Keys and signatures made by openssl alone, to check that verifyCms reads what other tools write. */
describe('a CMS signature made by openssl cms -sign', () => {
  let dir: string;
  let file: string;

  async function makeKey(name: string, algorithm: string[]): Promise<Uint8Array> {
    const key = join(dir, `${name}.key`);
    const cert = join(dir, `${name}.pem`);
    expect((await openssl(['genpkey', ...algorithm, '-out', key])).ok).toBe(true);
    const req = ['req', '-new', '-x509', '-key', key, '-subj', `/CN=${name}`, '-days', '2', '-out', cert];
    expect((await openssl([...req, '-addext', 'keyUsage=critical,digitalSignature'])).ok).toBe(true);
    return fromPem(await readFile(cert, 'utf8'), 'CERTIFICATE')[0]!;
  }

  async function sign(name: string, options: string[]): Promise<Uint8Array> {
    const out = join(dir, `${name}-${options.join('')}.p7s`);
    const args = [
      'cms',
      '-sign',
      '-binary',
      '-in',
      file,
      '-signer',
      join(dir, `${name}.pem`),
      '-inkey',
      join(dir, `${name}.key`),
    ];
    const result = await openssl([...args, '-outform', 'DER', '-out', out, ...options]);
    expect(result.stderr).toBe('');
    return readFile(out);
  }

  const certs = new Map<string, Uint8Array>();
  beforeAll(async () => {
    dir = await tempDir();
    file = join(dir, 'artifact.bin');
    await writeFile(file, randomBytes(10_000));
    certs.set('rsa', await makeKey('rsa', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']));
    certs.set('ec', await makeKey('ec', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384']));
  });

  it.each([
    ['rsa', ['-md', 'sha256'], 'rsa-pkcs1-sha256'],
    [
      'rsa',
      ['-md', 'sha512', '-keyopt', 'rsa_padding_mode:pss', '-keyopt', 'rsa_pss_saltlen:digest'],
      'rsa-pss-sha512',
    ],
    ['ec', ['-md', 'sha384'], 'ecdsa-p384-sha384'],
    ['ec', ['-md', 'sha384', '-keyid', '-nocerts'], undefined],
    ['ec', ['-md', 'sha384', '-keyid'], 'ecdsa-p384-sha384'],
  ] as const)('from a %s key with %j verifies as %s', async (name, options, expected) => {
    const signature = await sign(name, [...options]);
    const run = verifyCms(signature, { path: file }, { trustedCertificates: [certs.get(name)!] });
    if (expected === undefined) {
      // -nocerts: the signer certificate is not there to check against.
      await expect(run).rejects.toSatisfy((e) => isSignetError(e, 'VERIFICATION_FAILED'));
      return;
    }
    const result = await run;
    expect(result.algorithm.id).toBe(expected);
    expect(result.trusted).toBe(true);
    expect(result.signingTime).toBeInstanceOf(Date);
  });

  /** Fails verification because of an algorithm outside Signet's, kept as the cause. */
  const unsupported = (e: unknown) =>
    isSignetError(e, 'VERIFICATION_FAILED') && isSignetError(e.cause, 'UNSUPPORTED_ALGORITHM');

  it('is refused when RSA-PSS uses a salt length other than the digest length', async () => {
    const signature = await sign('rsa', [
      '-md',
      'sha256',
      '-keyopt',
      'rsa_padding_mode:pss',
      '-keyopt',
      'rsa_pss_saltlen:max',
    ]);
    await expect(verifyCms(signature, { path: file })).rejects.toSatisfy(unsupported);
  });

  it('is refused when it uses SHA-1', async () => {
    const signature = await sign('ec', ['-md', 'sha1']);
    await expect(verifyCms(signature, { path: file })).rejects.toSatisfy(unsupported);
  });
});
