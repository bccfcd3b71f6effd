import { serve, type ServerType } from '@hono/node-server';
import { afterAll, describe, it } from 'vitest';
import { createRemoteClient, createRemoteKeyProvider } from '@signet/sdk/remote';
import { providerConformance } from '@signet/sdk/testing';
import { createApp } from '../../src/api/app.js';
import { memoryServices } from '../helpers/services.js';

let server: ServerType | undefined;
afterAll(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/**
 * The server's keys through the SDK's remote provider pass the same conformance suite as every
 * provider: each signature a real POST /v1/sign over loopback, through policy and the audit log.
 */
describe('the remote key provider against the server passes the provider conformance suite', () => {
  const cases = providerConformance({
    keys: ['soft://dev'],
    unknownKey: 'soft://no-such-key',
    async open() {
      const app = createApp(await memoryServices());
      const url = await new Promise<string>((resolve) => {
        server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
          resolve(`http://127.0.0.1:${info.port}`),
        );
      });
      return createRemoteKeyProvider(createRemoteClient({ url, token: 'token-alice' }));
    },
  });
  for (const c of cases) it(c.name, c.run, 60_000);
});
