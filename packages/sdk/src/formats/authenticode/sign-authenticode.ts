import { throwIfAborted } from '../../errors/errors.js';
import type { Signer } from '../../provider/signer.js';
import type { CmsTimestamper } from '../cms/timestamp-attribute.js';
import { appendNestedSignature } from './nested.js';
import { readCertificateTable, readPeLayout, readRange } from './pe-file.js';
import { authenticodeSignedData } from './signed-data.js';
import { writeSignedPe } from './write-signature.js';

/** The PE file to sign and where the signed copy goes (may be the same path). */
export interface AuthenticodeFiles {
  input: string;
  output: string;
}

export interface AuthenticodeSignOptions {
  /**
   * For a file that is already signed: `true` keeps its signature and adds ours as a nested one;
   * `false` replaces it. Default `false`.
   */
  nested?: boolean;
  /** An RFC 3161 timestamp over the signature value (a `TimestampClient` or a function). Default: none. */
  timestamp?: CmsTimestamper;
  /** SpcSpOpusInfo program name, shown by Windows. Default: none. */
  description?: string;
  /** SpcSpOpusInfo URL with more information. Default: none. */
  url?: string;
  signal?: AbortSignal;
  /** Called as the file is read: bytes done and total. */
  onProgress?: (done: number, total: number) => void;
}

/** What was signed. */
export interface AuthenticodeSignResult {
  readonly kind: 'PE32' | 'PE32+';
  /** The Authenticode digest of the image, with the signer's hash. */
  readonly digest: Uint8Array;
  /** Whether the signature went in nested beside an existing one. */
  readonly nested: boolean;
}

/**
 * Signs a PE image (EXE, DLL; PE32 and PE32+) with Authenticode: the image digest is computed
 * streaming, only the digest of the signed attributes goes to `signer.sign`, and the signed file is
 * written to a temporary file and renamed, so `output` is never half-written.
 *
 * @throws SignetError `INVALID_FORMAT` (not a PE, or a corrupt one), `INVALID_CERTIFICATE` (no
 * certificate), `UNSUPPORTED_ALGORITHM` (RSASSA-PSS), `IO_ERROR`, `ABORTED`, and any error of the
 * signer or the timestamp client.
 * @example
 * ```ts
 * const signer = await createSigner(provider, 'soft://release');
 * await signAuthenticode(signer, { input: 'app.exe', output: 'app.exe' }, { timestamp: { client } });
 * ```
 */
export async function signAuthenticode(
  signer: Signer,
  files: AuthenticodeFiles,
  options: AuthenticodeSignOptions = {},
): Promise<AuthenticodeSignResult> {
  throwIfAborted(options.signal);
  const layout = await readPeLayout(files.input);
  const { offset, size } = layout.certificateTable;
  const existing = size > 0 ? readCertificateTable(await readRange(files.input, offset, size))[0] : undefined;
  const nested = options.nested === true && existing !== undefined;
  let digest: Uint8Array = new Uint8Array();
  await writeSignedPe(
    files.input,
    files.output,
    layout,
    signer.algorithm.hash,
    async (peDigest) => {
      digest = peDigest;
      const ours = await authenticodeSignedData(signer, peDigest, options);
      return nested ? appendNestedSignature(existing, ours) : ours;
    },
    options,
  );
  return { kind: layout.kind, digest, nested };
}
