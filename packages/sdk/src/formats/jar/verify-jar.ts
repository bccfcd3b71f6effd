import type { HashAlgorithm } from '../../algorithms/algorithms.js';
import { digestBytes } from '../../digest/file-digest.js';
import { isSignetError, SignetError, throwIfAborted } from '../../errors/errors.js';
import { hashFromIdentifier } from '../../x509/digest-identifier.js';
import { parseCms } from '../cms/parse.js';
import { verifyCms, type CmsVerification } from '../cms/verify.js';
import { hashOfDigestAttribute } from './digest-names.js';
import { openJar, type JarArchive } from './jar-archive.js';
import { attributeValue, parseManifest, type Manifest, type ManifestSection } from './manifest.js';
import { isBlockOrSignatureFile, isDirectory, isSigningRelated } from './names.js';
import { findManifest } from './jar-manifest.js';
import type { ZipEntry } from './zip-directory.js';
import { digestEntry, readEntry } from './zip-entry.js';

export interface JarVerifyOptions {
  /** DER certificates to trust (roots, or a pinned signer certificate). Default none: `trusted` is false. */
  trustedCertificates?: readonly Uint8Array[];
  /** When the chains must be valid. Default: now. */
  now?: Date;
  signal?: AbortSignal;
}

/**
 * One signature of a JAR that holds: what `verifyCms` says of its block (signer, algorithm,
 * signing time, trust, and the timestamp when there is one), with its name and reach.
 */
export interface JarSignature extends Omit<CmsVerification, 'digest'> {
  /** The signer name, from `META-INF/NAME.SF`. */
  readonly name: string;
  /** Entries this signature covers. */
  readonly entries: number;
}

export interface JarVerification {
  /** Entries checked: every file but directories and signature files. */
  readonly entries: number;
  readonly signers: readonly JarSignature[];
}

/** Signature files are small; a large one is not a signature. */
const SIGNATURE_LIMIT = 16 << 20;
const MANIFEST_LIMIT = 256 << 20;

/**
 * Verifies a signed JAR the way `jarsigner -verify -strict` judges it: every signature block
 * verifies over its `.SF` file, every `.SF` matches the manifest (whole, or main section and the
 * sections it names), every file entry matches each SHA-2 digest of its manifest section and is
 * covered by at least one signature. With `trustedCertificates`, each signer's chain is built too.
 *
 * @throws SignetError `VERIFICATION_FAILED` (unsigned, an entry changed, a signature that does
 * not hold; the message names what), `INVALID_FORMAT` (not a readable JAR), `IO_ERROR`, `ABORTED`.
 * @example
 * ```ts
 * const { signers } = await verifyJar('app.jar', { trustedCertificates: [rootDer] });
 * console.log(signers.map((s) => `${s.name}: ${s.signer.subject} trusted=${s.trusted}`));
 * ```
 */
export async function verifyJar(path: string, options: JarVerifyOptions = {}): Promise<JarVerification> {
  const jar = await openJar(path);
  try {
    const manifestEntry = findManifest(jar.directory);
    if (!manifestEntry) throw failed('The JAR is not signed: it has no manifest');
    const manifestBytes = await read(jar, manifestEntry, MANIFEST_LIMIT);
    if (manifestBytes.length === 0) throw failed('The JAR is not signed: its manifest is empty');
    const manifest = parseManifest(manifestBytes);
    const sectionsByName = groupByName(manifest);
    const verified: { signer: Omit<JarSignature, 'entries'>; names: ReadonlySet<string> }[] = [];
    for (const { name, block, signatureFile } of signatureFiles(jar)) {
      throwIfAborted(options.signal);
      const result = await verifySigner(jar, manifest, manifestBytes, sectionsByName, block, signatureFile, options);
      if (result) verified.push({ signer: { ...result.signer, name }, names: new Set(result.names) });
    }
    if (verified.length === 0) throw failed('The JAR is not signed: it has no signature block');
    const files = jar.directory.entries.filter((e) => !isDirectory(e.name) && !isSigningRelated(e.name));
    for (const entry of files) {
      throwIfAborted(options.signal);
      await checkEntry(jar, entry, sectionsByName.get(entry.name) ?? [], options.signal);
      if (!verified.some((v) => v.names.has(entry.name))) {
        throw failed(`${entry.name} is not covered by any signature`);
      }
    }
    const signers = verified.map((v) => ({ ...v.signer, entries: files.filter((f) => v.names.has(f.name)).length }));
    return { entries: files.length, signers };
  } finally {
    await jar.source.close();
  }
}

/** Pairs each block file (`NAME.RSA`, `.EC`, `.DSA`) with its `NAME.SF`. */
function signatureFiles(jar: JarArchive): { name: string; block: ZipEntry; signatureFile: ZipEntry }[] {
  const related = jar.directory.entries.filter(
    (e) => isSigningRelated(e.name) && isBlockOrSignatureFile(e.name.toUpperCase()),
  );
  const base = (e: ZipEntry) => e.name.toUpperCase().replace(/\.[A-Z]+$/, '');
  return related
    .filter((e) => !e.name.toUpperCase().endsWith('.SF'))
    .map((block) => {
      const signatureFile = related.find((e) => e.name.toUpperCase().endsWith('.SF') && base(e) === base(block));
      if (!signatureFile) throw failed(`The signature block ${block.name} has no .SF file`);
      return { name: base(block).slice('META-INF/'.length), block, signatureFile };
    });
}

async function verifySigner(
  jar: JarArchive,
  manifest: Manifest,
  manifestBytes: Buffer,
  sectionsByName: ReadonlyMap<string, ManifestSection[]>,
  blockEntry: ZipEntry,
  signatureFileEntry: ZipEntry,
  options: JarVerifyOptions,
): Promise<{ signer: Omit<JarSignature, 'name' | 'entries'>; names: string[] } | undefined> {
  const sfBytes = await read(jar, signatureFileEntry, SIGNATURE_LIMIT);
  const block = await read(jar, blockEntry, SIGNATURE_LIMIT);
  const sf = parseManifest(sfBytes);
  // Java ignores a signature file of another version; so does this.
  if (attributeValue(sf.main, 'Signature-Version') !== '1.0') return undefined;
  let verified;
  try {
    const hash = hashFromIdentifier(parseCms(block).signerInfo.digestAlgorithm);
    verified = await verifyCms(block, { digest: digestBytes(hash, sfBytes) }, options);
  } catch (cause) {
    if (isSignetError(cause, 'ABORTED', 'IO_ERROR', 'INVALID_CERTIFICATE')) throw cause;
    throw failed(`The signature block ${blockEntry.name} does not verify over ${signatureFileEntry.name}`, cause);
  }
  const digestsMatch = (section: ManifestSection, suffix: string, data: Buffer): boolean | undefined => {
    let result: boolean | undefined;
    for (const a of section.attributes) {
      const hash = hashOfDigestAttribute(a.name, suffix);
      if (hash) result = (result ?? true) && Buffer.from(a.value, 'base64').equals(digestBytes(hash, data));
    }
    return result;
  };
  const whole = digestsMatch(sf.main, '-Digest-Manifest', manifestBytes) === true;
  if (!whole && digestsMatch(sf.main, '-Digest-Manifest-Main-Attributes', manifest.main.bytes) === false) {
    throw failed(`${signatureFileEntry.name} does not match the manifest's main attributes`);
  }
  const names: string[] = [];
  for (const section of sf.sections) {
    const name = section.name!;
    const inManifest = sectionsByName.get(name);
    if (!inManifest) continue;
    const match = whole || digestsMatch(section, '-Digest', Buffer.concat(inManifest.map((s) => s.bytes)));
    if (match === false) throw failed(`${signatureFileEntry.name} does not match the manifest section of ${name}`);
    if (match) names.push(name);
  }
  const { digest: _sfDigest, ...signature } = verified;
  return { signer: signature, names };
}

/** Checks every SHA-2 digest the manifest holds for an entry; an entry without one is unsigned. */
async function checkEntry(
  jar: JarArchive,
  entry: ZipEntry,
  sections: readonly ManifestSection[],
  signal?: AbortSignal,
): Promise<void> {
  const expected = sections.flatMap((s) =>
    s.attributes.flatMap((a) => {
      const hash = hashOfDigestAttribute(a.name);
      return hash ? [{ hash, value: Buffer.from(a.value, 'base64') }] : [];
    }),
  );
  if (expected.length === 0) throw failed(`${entry.name} is not signed: the manifest has no SHA-2 digest of it`);
  const hashes = [...new Set<HashAlgorithm>(expected.map((e) => e.hash))];
  const digests = await digestEntry(jar.source, entry, jar.extents.get(entry)!, hashes, signal);
  for (const { hash, value } of expected) {
    if (!value.equals(digests.get(hash)!)) {
      throw failed(`${entry.name} has changed since it was signed: its ${hash} digest differs from the manifest`);
    }
  }
}

function groupByName(manifest: Manifest): Map<string, ManifestSection[]> {
  const map = new Map<string, ManifestSection[]>();
  for (const section of manifest.sections) map.set(section.name!, [...(map.get(section.name!) ?? []), section]);
  return map;
}

function read(jar: JarArchive, entry: ZipEntry, limit: number): Promise<Buffer> {
  return readEntry(jar.source, entry, jar.extents.get(entry)!, limit);
}

function failed(message: string, cause?: unknown): SignetError {
  return new SignetError('VERIFICATION_FAILED', message, cause === undefined ? {} : { cause });
}
