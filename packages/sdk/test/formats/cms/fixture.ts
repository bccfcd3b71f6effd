import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSigner, type KeySpec, type Signer, type SignatureAlgorithm } from '../../helpers/sdk.js';
import { openTestStore } from '../../helpers/soft.js';
import { tempDir } from '../../helpers/temp.js';
import { toPem } from '../../../src/x509/pem.js';
import { issueSelfSignedCertificate } from '../../../src/x509/index.js';
import type { SoftKeyProvider } from '../../../src/provider/soft/index.js';

export const SPECS: readonly KeySpec[] = ['rsa-2048', 'ec-p256', 'ec-p384', 'ec-p521'];

/** The key spec that signs with `algorithm`. */
export function specFor(algorithm: SignatureAlgorithm): KeySpec {
  return algorithm.keyType === 'rsa' ? 'rsa-2048' : (`ec-p${algorithm.curve!.slice(2)}` as KeySpec);
}

/** A key store with one key per spec, each with a self-signed code-signing certificate, and a file to sign. */
export interface CmsFixture {
  readonly dir: string;
  readonly soft: SoftKeyProvider;
  /** A 1 MiB + 3 bytes artifact. */
  readonly file: string;
  /** The PEM file of the self-signed certificate of a key spec. */
  certificatePem(spec: KeySpec): string;
  signer(algorithm: SignatureAlgorithm): Promise<Signer>;
}

export async function createCmsFixture(specs: readonly KeySpec[] = SPECS): Promise<CmsFixture> {
  const dir = await tempDir();
  const soft = await openTestStore(join(dir, 'keys'), { backend: 'portable' });
  for (const spec of specs) {
    const key = await soft.generateKey({ name: spec, spec });
    const certificate = await issueSelfSignedCertificate(await createSigner(soft, key.uri), {
      subject: { commonName: `Signet test ${spec}`, organization: 'Signet' },
    });
    await soft.setCertificates({ key: key.uri, certificates: [certificate] });
    await writeFile(join(dir, `${spec}.pem`), toPem('CERTIFICATE', certificate));
  }
  const file = join(dir, 'artifact.bin');
  await writeFile(file, randomBytes((1 << 20) + 3));
  return {
    dir,
    soft,
    file,
    certificatePem: (spec) => join(dir, `${spec}.pem`),
    signer: (algorithm) => createSigner(soft, `soft://${specFor(algorithm)}`, { algorithm: algorithm.id }),
  };
}
