import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signJar, verifyJar } from '../../../src/formats/jar/index.js';
import { createTimestampClient } from '../../../src/timestamp/index.js';
import { createTsaFixture, listenTsa } from '../../timestamp/fixture.js';
import { createSigningKeys, run, STOREPASS, type SigningKeys } from './fixture.js';
import { buildZip } from './zip-builder.js';

describe('a JAR signed with a timestamp', () => {
  let keys: SigningKeys;
  let url: string;

  beforeAll(async () => {
    const [k, tsa] = await Promise.all([createSigningKeys('signet-jar-tsa-'), createTsaFixture()]);
    keys = k;
    url = (await listenTsa(tsa)).url;
    // jarsigner -strict also wants the TSA's chain to reach a trusted certificate.
    const added = await run('keytool', [
      ...['-importcert', '-noprompt', '-alias', 'signet-tsa', '-file', tsa.certificatePem],
      ...['-keystore', keys.truststore, '-storetype', 'PKCS12', '-storepass', STOREPASS],
    ]);
    expect(added.code, added.output).toBe(0);
  });

  it('carries the token in its block, which jarsigner -verify -strict and verifyJar accept', async () => {
    const input = join(keys.dir, 'app.jar');
    const output = join(keys.dir, 'app-timestamped.jar');
    await writeFile(input, buildZip([{ name: 'com/acme/App.class', data: 'a class' }]));
    const client = createTimestampClient({ urls: [url] });
    await signJar(await keys.signer('rsa-pkcs1-sha256'), { input, output }, { cms: { timestamp: { client } } });
    const result = await keys.jarsignerVerify(output);
    expect(result.output).toContain('jar verified.');
    expect(result.output).toMatch(/Timestamped by "CN=[^"]+" on /);
    expect(result.output).not.toContain('do not include a timestamp');
    expect(result.code, result.output).toBe(0);
    const [signature] = (await verifyJar(output)).signers;
    expect(signature!.timestamp?.time).toBeInstanceOf(Date);
  });
});
