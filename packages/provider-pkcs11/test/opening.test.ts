import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isSignetError, type KeyProvider, type SignetError } from '@signet/sdk';
import * as graphene from 'graphene-pk11';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPkcs11Provider, signetProvider } from '../src/index.js';
import { createSoftHsm, MODULE, toolKeyPair, type TestToken } from './helpers/softhsm.js';

async function failure(opening: Promise<KeyProvider>): Promise<SignetError> {
  const result = await opening.then(
    async (provider) => {
      await provider.close?.();
      return new Error('it opened');
    },
    (error: unknown) => error,
  );
  if (isSignetError(result)) return result;
  throw result;
}

describe('opening a PKCS#11 token', () => {
  let token: TestToken;
  let twin: TestToken;

  beforeAll(async () => {
    [token, twin] = (await createSoftHsm(['main', 'twin', 'twin'])) as [TestToken, TestToken];
    await toolKeyPair(token, 'EC:prime256v1', '01', 'k');
  });

  describe('through signetProvider, as the server loads it', () => {
    it('takes the PIN from SIGNET_PKCS11_PIN', async () => {
      const provider = await signetProvider.create({ module: MODULE, token: 'main' }, { SIGNET_PKCS11_PIN: token.pin });
      expect((await provider.listKeys()).map((k) => k.uri)).toEqual(['pkcs11:token=main;object=k']);
      await provider.close?.();
    });

    it('takes the PIN from a file', async () => {
      const pinFile = join(token.dir, 'pin');
      await writeFile(pinFile, `${token.pin}\n`, { mode: 0o600 });
      const provider = await signetProvider.create({ module: MODULE, token: 'main', pinFile }, {});
      expect(await provider.listKeys()).toHaveLength(1);
      await provider.close?.();
    });

    it('refuses a wrong PIN with PERMISSION_DENIED', async () => {
      const error = await failure(
        signetProvider.create({ module: MODULE, token: 'main' }, { SIGNET_PKCS11_PIN: '0000' }),
      );
      expect(error.code).toBe('PERMISSION_DENIED');
      expect(error.details.ckr).toBe('CKR_PIN_INCORRECT');
      expect(error.retryable).toBe(false);
    });

    it('refuses a missing PIN with PERMISSION_DENIED, saying where a PIN comes from', async () => {
      const error = await failure(signetProvider.create({ module: MODULE, token: 'main' }, {}));
      expect(error.code).toBe('PERMISSION_DENIED');
      expect(error.message).toContain('SIGNET_PKCS11_PIN');
    });

    it('refuses a PIN in the configuration, a module that does not load, and an absent token', async () => {
      expect((await failure(signetProvider.create({ module: MODULE, token: 'main', pin: '1234' }, {}))).code).toBe(
        'INVALID_ARGUMENT',
      );
      expect((await failure(signetProvider.create({ module: '/nonexistent/libp11.so', token: 'main' }, {}))).code).toBe(
        'INVALID_ARGUMENT',
      );
      const absent = await failure(
        signetProvider.create({ module: MODULE, token: 'nope' }, { SIGNET_PKCS11_PIN: '1' }),
      );
      expect(absent.code).toBe('UNAVAILABLE');
      expect(absent.details.present).toHaveLength(3);
    });
  });

  describe('by label or serial', () => {
    it('refuses a label two tokens share, and takes the serial to tell them apart', async () => {
      expect((await failure(createPkcs11Provider({ module: MODULE, token: 'twin', pin: twin.pin }))).code).toBe(
        'INVALID_ARGUMENT',
      );
      const module = graphene.Module.load(MODULE, 'serials');
      module.initialize({ flags: 2 });
      const slots = module.getSlots(true);
      const serials = Array.from({ length: slots.length }, (_, i) => slots.items(i).getToken())
        .filter((t) => t.label === 'twin')
        .map((t) => t.serialNumber);
      for (const serial of serials) {
        const provider = await createPkcs11Provider({ module: MODULE, tokenSerial: serial, pin: twin.pin });
        expect(provider.token).toMatchObject({ token: 'twin', serial });
        await provider.close();
      }
      const both = await createPkcs11Provider({
        module: MODULE,
        token: 'twin',
        tokenSerial: serials[1]!,
        pin: twin.pin,
      });
      expect(both.token.serial).toBe(serials[1]);
      await both.close();
    });
  });

  describe('when the PIN changes underneath', () => {
    it('fails with PERMISSION_DENIED and never tries the refused PIN again (tokens lock after a few)', async () => {
      const provider = await createPkcs11Provider({
        module: MODULE,
        token: 'main',
        pin: token.pin,
        retry: { baseDelayMs: 1 },
      });
      const sign = () =>
        provider
          .sign({ key: 'pkcs11:object=k', algorithm: 'ecdsa-p256-sha256', digest: new Uint8Array(32) })
          .catch((e) => e);
      expect(await sign()).toBeInstanceOf(Uint8Array);
      const module = graphene.Module.load(MODULE, 'admin');
      module.initialize({ flags: 2 });
      const slot = Array.from({ length: module.getSlots(true).length }, (_, i) => module.getSlots(i)).find(
        (s) => s.getToken().label === 'main',
      )!;
      const admin = slot.open(graphene.SessionFlag.SERIAL_SESSION | graphene.SessionFlag.RW_SESSION);
      // PKCS#11 login state is per process: the provider's login already covers this session
      admin.setPin(token.pin, '99999');
      slot.closeAll(); // logs the provider out: it must log in again, with a PIN that no longer works
      const first = await sign();
      expect(isSignetError(first, 'PERMISSION_DENIED')).toBe(true);
      // the same refusal comes back without a new C_Login
      expect(await sign()).toBe(first);
      await provider.close();
    });
  });
});
