import { digestBytes } from '../../digest/file-digest.js';
import { SignetError, throwIfAborted } from '../../errors/errors.js';
import type { Signer } from '../../provider/signer.js';
import { signCms, type CmsSignOptions } from '../cms/sign.js';
import { modeOf, writeAtomically } from './atomic-file.js';
import { digestEntries } from './digest-entries.js';
import { openJar } from './jar-archive.js';
import { readJarManifest } from './jar-manifest.js';
import { blockExtension, MANIFEST_NAME, signerName } from './names.js';
import { buildSignatureFile } from './signature-file.js';
import { writeSignedJar } from './write-signed-jar.js';

/** The JAR to sign and where the signed copy goes (the same path signs in place). */
export interface JarSignInput {
  /** Path of the JAR to sign. */
  input: string;
  /** Path of the signed JAR; written through a temporary file, so it never holds half a JAR. */
  output: string;
}

export interface JarSignProgress {
  /** `digest`: reading and hashing entries; `write`: copying them into the signed JAR. */
  readonly phase: 'digest' | 'write';
  /** Entries done in this phase. */
  readonly entries: number;
  /** Entries this phase goes through: the files to digest, then the entries to copy. */
  readonly total: number;
}

export interface JarSignOptions {
  /**
   * Signer name: the base name of `META-INF/NAME.SF` and `NAME.RSA`/`NAME.EC`, 1-8 characters of
   * `A-Z0-9_-` (uppercased). Default: derived from the key name the way jarsigner derives it from
   * an alias. A signature with the same name is replaced; others are kept.
   */
  name?: string;
  /**
   * Options of the PKCS#7 signature block, passed to `signCms` (signing time, and whatever it
   * gains, such as a timestamp). The signing time also dates the new entries. Default: now.
   */
  cms?: Omit<CmsSignOptions, 'signal'>;
  /** Called after each entry of each phase. */
  onProgress?: (progress: JarSignProgress) => void;
  signal?: AbortSignal;
}

export interface JarSignResult {
  /** Entries the signature covers (files, not directories nor signature files). */
  readonly entries: number;
  readonly signerName: string;
  /** `META-INF/NAME.SF` */
  readonly signatureFile: string;
  /** `META-INF/NAME.RSA` or `META-INF/NAME.EC` */
  readonly blockFile: string;
}

const CREATED_BY = 'Signet';

/**
 * Signs a JAR the way jarsigner does, with only digests going to the signer: each entry's digest
 * in the manifest (existing sections and attributes kept byte for byte), a `.SF` file digesting the
 * manifest and its sections, and a PKCS#7 block over the `.SF` (see `signCms`). Entries are hashed
 * as they stream through inflate and copied into the new JAR without recompression, so memory
 * holds the manifest and the central directory, not the JAR. Signatures of other signers stay valid.
 *
 * @throws SignetError `INVALID_CERTIFICATE` (a key without certificate) before the JAR is read,
 * `INVALID_ARGUMENT` (signer name), `INVALID_FORMAT` (not a readable JAR: corrupt ZIP, duplicate
 * names, a malformed manifest), `IO_ERROR`, `ABORTED`, and any error of the signer.
 * @example
 * ```ts
 * const signer = await createSigner(provider, 'soft://release');
 * const { entries } = await signJar(signer, { input: 'app.jar', output: 'app-signed.jar' });
 * ```
 */
export async function signJar(
  signer: Signer,
  input: JarSignInput,
  options: JarSignOptions = {},
): Promise<JarSignResult> {
  throwIfAborted(options.signal);
  if (signer.key.certificates.length === 0) {
    throw new SignetError(
      'INVALID_CERTIFICATE',
      `The key ${signer.key.uri} has no certificate; a JAR signature names its signer by one`,
      {
        details: { key: signer.key.uri },
      },
    );
  }
  const name = signerName(signer, options.name);
  const signatureFileName = `META-INF/${name}.SF`;
  const blockFileName = `META-INF/${name}.${blockExtension(signer)}`;
  const hash = signer.algorithm.hash;
  const progress = (phase: JarSignProgress['phase']) => (entries: number, total: number) =>
    options.onProgress?.({ phase, entries, total });
  const jar = await openJar(input.input);
  try {
    const { manifest, entries } = await digestEntries(jar, await readJarManifest(jar, CREATED_BY), hash, {
      onEntry: progress('digest'),
      signal: options.signal,
    });
    const { signatureFile, manifestBytes } = buildSignatureFile(manifest, hash, CREATED_BY);
    const signatureDigest = digestBytes(hash, signatureFile);
    const block = await signCms(signer, { digest: signatureDigest }, { ...options.cms, signal: options.signal });
    const content = {
      files: [
        { name: MANIFEST_NAME, content: manifestBytes },
        { name: signatureFileName, content: signatureFile },
        { name: blockFileName, content: block },
      ],
      // A signature of the same name is replaced, whatever its key type.
      replaces: new Set([
        MANIFEST_NAME,
        signatureFileName,
        ...['RSA', 'EC', 'DSA'].map((x) => `META-INF/${name}.${x}`),
      ]),
      modified: options.cms?.signingTime ?? new Date(),
    };
    await writeAtomically(input.output, await modeOf(input.input), (handle) =>
      writeSignedJar(handle, jar, content, { onEntry: progress('write'), signal: options.signal }),
    );
    return { entries, signerName: name, signatureFile: signatureFileName, blockFile: blockFileName };
  } finally {
    await jar.source.close();
  }
}
