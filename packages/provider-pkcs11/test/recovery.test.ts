import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isSignetError, type SignetError } from '@signet/sdk';
import { verifyDigestSignature } from '@signet/sdk/formats/raw';
import * as graphene from 'graphene-pk11';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPkcs11Provider, type Pkcs11Provider } from '../src/index.js';
import { createSoftHsm, MODULE, toolKeyPair, type TestToken } from './helpers/softhsm.js';

const EC = 'pkcs11:token=recovery;object=p256';
const RSA = 'pkcs11:token=recovery;object=rsa';

/**
 * A second user of the same library in this process, as another component of an application
 * would be: PKCS#11 state (initialization, sessions, login) is shared per process, so what it
 * does happens to the provider's sessions too.
 */
function neighbour() {
  const module = graphene.Module.load(MODULE, 'neighbour');
  module.initialize({ flags: 2 });
  const slot = () => module.getSlots(0);
  return { module, slot };
}

describe('a PKCS#11 provider under load and resets', () => {
  let token: TestToken;
  let hsm: Pkcs11Provider;
  const other = () => neighbour();

  async function signsAndVerifies(
    uri: string,
    algorithm: 'ecdsa-p256-sha256' | 'rsa-pss-sha256' = 'ecdsa-p256-sha256',
  ) {
    const digest = randomBytes(32);
    const signature = await hsm.sign({ key: uri, algorithm, digest });
    const { publicKey } = await hsm.getKey(uri);
    expect(verifyDigestSignature({ publicKey, algorithm, digest, signature })).toBe(true);
  }

  beforeAll(async () => {
    [token] = (await createSoftHsm(['recovery'])) as [TestToken];
    await toolKeyPair(token, 'EC:prime256v1', '01', 'p256');
    await toolKeyPair(token, 'rsa:2048', '02', 'rsa');
    hsm = await createPkcs11Provider({
      module: MODULE,
      token: 'recovery',
      pin: token.pin,
      sessions: 4,
      retry: { baseDelayMs: 5 },
    });
    await signsAndVerifies(EC);
  });
  afterAll(() => hsm?.close());

  describe('the session pool', () => {
    it('signs 100 digests in parallel over its sessions, opening no more than it is allowed', async () => {
      let most = 0;
      const sampling = setInterval(() => (most = Math.max(most, hsm.sessions.busy)), 0);
      const digests = Array.from({ length: 100 }, () => randomBytes(32));
      const signatures = await Promise.all(
        digests.map(async (digest) => {
          const signature = await hsm.sign({ key: RSA, algorithm: 'rsa-pss-sha256', digest });
          most = Math.max(most, hsm.sessions.busy);
          return signature;
        }),
      );
      clearInterval(sampling);
      const { publicKey } = await hsm.getKey(RSA);
      signatures.forEach((signature, i) =>
        expect(verifyDigestSignature({ publicKey, algorithm: 'rsa-pss-sha256', digest: digests[i]!, signature })).toBe(
          true,
        ),
      );
      expect(hsm.sessions).toEqual({ open: 4, busy: 0, waiting: 0 });
      expect(most).toBe(4); // four signatures were on the token at once, never more
    });

    it('with one session, still signs everything, one after the other', async () => {
      const single = await createPkcs11Provider({ module: MODULE, token: 'recovery', pin: token.pin, sessions: 1 });
      try {
        const signatures = await Promise.all(
          Array.from({ length: 20 }, () =>
            single.sign({ key: EC, algorithm: 'ecdsa-p256-sha256', digest: randomBytes(32) }),
          ),
        );
        expect(signatures).toHaveLength(20);
      } finally {
        await single.close();
      }
    });

    it('stops a signature waiting for a session with ABORTED, and the others go on', async () => {
      const single = await createPkcs11Provider({ module: MODULE, token: 'recovery', pin: token.pin, sessions: 1 });
      try {
        const controller = new AbortController();
        const sign = (signal?: AbortSignal) =>
          single.sign({ key: RSA, algorithm: 'rsa-pkcs1-sha256', digest: randomBytes(32), signal });
        const before = Array.from({ length: 5 }, () => sign());
        const aborted = sign(controller.signal);
        controller.abort();
        await expect(aborted).rejects.toSatisfy((e) => isSignetError(e, 'ABORTED'));
        expect(await Promise.all(before)).toHaveLength(5);
        // a signature aborted while the token computes it answers at once; its session comes back after
        const inFlight = new AbortController();
        const late = sign(inFlight.signal);
        setImmediate(() => inFlight.abort());
        await expect(late).rejects.toSatisfy((e) => isSignetError(e, 'ABORTED'));
        expect((await sign()).length).toBe(256);
      } finally {
        await single.close();
      }
    });
  });

  describe('recovery', () => {
    it('signs after every session was closed underneath it (logging in again)', async () => {
      other().slot().closeAll();
      await signsAndVerifies(EC);
      await signsAndVerifies(RSA, 'rsa-pss-sha256');
    });

    it('signs after the user was logged out underneath it', async () => {
      const { slot } = other();
      const session = slot().open(graphene.SessionFlag.SERIAL_SESSION);
      session.logout();
      session.close();
      await signsAndVerifies(EC);
    });

    it('signs after the module was finalized underneath it (initializing it again)', async () => {
      other().module.finalize();
      await signsAndVerifies(EC);
      expect((await hsm.listKeys()).map((k) => k.uri).sort()).toEqual([EC, RSA]);
    });

    it('recovers while many signatures are in flight', async () => {
      const digests = Array.from({ length: 60 }, () => randomBytes(32));
      const pending = digests.map((digest, i) => {
        if (i === 30) other().slot().closeAll();
        return hsm.sign({ key: EC, algorithm: 'ecdsa-p256-sha256', digest });
      });
      expect(await Promise.all(pending)).toHaveLength(60);
    });

    it('answers a retryable UNAVAILABLE while the token is away, and signs again once it is back', async () => {
      const conf = process.env.SOFTHSM2_CONF!;
      // SoftHSM2 reads its configuration at C_Initialize: an empty token folder is a removed token.
      const empty = join(token.dir, 'away');
      await mkdir(empty);
      await writeFile(
        join(token.dir, 'away.conf'),
        `directories.tokendir = ${empty}
objectstore.backend = file
`,
      );
      process.env.SOFTHSM2_CONF = join(token.dir, 'away.conf');
      try {
        other().module.finalize();
        const error = await hsm
          .sign({ key: EC, algorithm: 'ecdsa-p256-sha256', digest: randomBytes(32) })
          .catch((e: unknown) => e);
        expect(isSignetError(error, 'UNAVAILABLE')).toBe(true);
        expect((error as SignetError).retryable).toBe(true);
      } finally {
        process.env.SOFTHSM2_CONF = conf;
      }
      other().module.finalize();
      await signsAndVerifies(EC);
    });
  });
});
