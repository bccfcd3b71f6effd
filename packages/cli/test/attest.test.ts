import { createHash, createPublicKey } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { publicKeyHint, verifySigstoreBundle, type SigstoreBundle } from '@signet/sdk/formats/dsse';
import { json, sandbox, type Sandbox } from './helpers/cli.js';

// Sigstore's verifier is a test dependency of the SDK, not of the CLI: load it from there.
const sdkRequire = createRequire(join(import.meta.dirname, '..', '..', 'sdk', 'package.json'));
const { Verifier, toSignedEntity, toTrustMaterial } = sdkRequire('@sigstore/verify') as {
  Verifier: new (trust: unknown, options: Record<string, number>) => { verify(entity: unknown): unknown };
  toSignedEntity(bundle: unknown): unknown;
  toTrustMaterial(root: unknown, keys: unknown): unknown;
};
const { bundleFromJSON } = sdkRequire('@sigstore/bundle') as { bundleFromJSON(json: unknown): unknown };

/** Sigstore's verifier with only `spki` trusted: no log, no CA, no timestamp required. */
function sigstoreVerify(bundle: unknown, spki: Buffer): void {
  const root = { mediaType: '', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
  const trust = toTrustMaterial(root, { [publicKeyHint(spki)]: { rawBytes: spki, keyDetails: 0 } });
  new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(
    toSignedEntity(bundleFromJSON(bundle)),
  );
}

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

interface AuditEvent {
  type: string;
  data: { artifact?: { name: string }; format?: string; metadata?: { format?: string } };
}

describe('attestations through the CLI: attest and sign --format dsse', () => {
  let box: Sandbox;
  let spki: Buffer;
  const read = async (name: string) => JSON.parse(await readFile(join(box.cwd, name), 'utf8')) as SigstoreBundle;
  const statementOf = (bundle: SigstoreBundle) =>
    JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString()) as {
      subject: { name: string; digest: { sha256: string } }[];
      predicateType: string;
      predicate?: unknown;
    };

  beforeAll(async () => {
    box = await sandbox();
    expect((await box.cli(['keys', 'create', 'release'])).code).toBe(0);
    const shown = await box.cli(['keys', 'show', 'release', '--public-key', '--json']);
    spki = createPublicKey(json<{ publicKey: string }>(shown).publicKey).export({ type: 'spki', format: 'der' });
    await writeFile(join(box.cwd, 'app.tgz'), 'pretend tarball\n');
    await writeFile(join(box.cwd, 'app.sbom.json'), '{"sbom":true}\n');
    await writeFile(join(box.cwd, 'provenance.json'), JSON.stringify({ builder: { id: 'https://ci.example' } }));
  });

  it('attests two files into one bundle that sigstore verifies with the public key', async () => {
    const result = await box.cli([
      'attest',
      'app.tgz',
      'app.sbom.json',
      '--key',
      'release',
      '--predicate-type',
      'https://slsa.dev/provenance/v1',
      '--predicate',
      'provenance.json',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(json(result)).toMatchObject({ bundle: 'app.tgz.sigstore.json', format: 'dsse' });
    const bundle = await read('app.tgz.sigstore.json');
    sigstoreVerify(bundle, spki);
    const { statement } = verifySigstoreBundle(bundle, { publicKey: spki });
    expect(statement).toMatchObject({
      predicateType: 'https://slsa.dev/provenance/v1',
      predicate: { builder: { id: 'https://ci.example' } },
      subject: [
        { name: 'app.tgz', digest: { sha256: sha256('pretend tarball\n') } },
        { name: 'app.sbom.json', digest: { sha256: sha256('{"sbom":true}\n') } },
      ],
    });

    const changed = structuredClone(bundle);
    const edited = statementOf(changed);
    edited.subject[0]!.digest.sha256 = sha256('another tarball\n');
    changed.dsseEnvelope.payload = Buffer.from(JSON.stringify(edited)).toString('base64');
    expect(() => sigstoreVerify(changed, spki)).toThrow(/signature verification failed/);

    const events = (await readFile(join(box.home, 'audit', 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEvent);
    const last = events.slice(-2);
    expect(last.map((e) => e.type)).toEqual(['decision', 'signature']);
    expect(last[1]!.data.artifact?.name).toBe('app.tgz, app.sbom.json');
  });

  it('signs each file into its own bundle with sign --format dsse', async () => {
    const result = await box.cli([
      'sign',
      'app.tgz',
      'app.sbom.json',
      '--key',
      'release',
      '--format',
      'dsse',
      '--force',
    ]);
    expect(result.code, result.stderr).toBe(0);
    for (const [file, content] of [
      ['app.tgz', 'pretend tarball\n'],
      ['app.sbom.json', '{"sbom":true}\n'],
    ] as const) {
      const bundle = await read(`${file}.sigstore.json`);
      sigstoreVerify(bundle, spki);
      expect(statementOf(bundle)).toMatchObject({
        predicateType: 'https://signet.dev/attestation/signature/v1',
        predicate: {},
        subject: [{ name: file, digest: { sha256: sha256(content) } }],
      });
    }
  });

  it('refuses a predicate that is not a JSON object, writing nothing', async () => {
    await writeFile(join(box.cwd, 'list.json'), '[1,2]');
    const result = await box.cli([
      'attest',
      'app.tgz',
      '--key',
      'release',
      '-t',
      'https://x/v1',
      '-p',
      'list.json',
      '-o',
      'never.sigstore.json',
      '--json',
    ]);
    expect(result.code).toBe(2);
    expect(json(result)).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
    await expect(readFile(join(box.cwd, 'never.sigstore.json'))).rejects.toThrow();
  });
});

describe('signet attest with a key sigstore cannot check', () => {
  it('still writes a valid DSSE bundle, and warns on stderr that sigstore will refuse it', async () => {
    const box = await sandbox();
    expect((await box.cli(['keys', 'create', 'p384', '--type', 'ec-p384'])).code).toBe(0);
    await writeFile(join(box.cwd, 'app.tgz'), 'release\n');
    const attested = await box.cli([
      'attest',
      '--key',
      'p384',
      '--predicate-type',
      'https://example.com/t/v1',
      'app.tgz',
    ]);
    expect(attested.code, attested.stderr).toBe(0);
    expect(attested.stderr).toContain("sigstore's verifier accepts DSSE bundles signed with ecdsa-p256-sha256");
  });
});
