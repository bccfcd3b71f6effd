import type { VaultSignClient } from './vault-client.js';

/**
 * The Azure `CryptographyClient` fetches its key (`GET /keys/NAME/VERSION`) on its first operation,
 * and every call made before that fetch ends fetches too: a hundred signatures on a new client
 * would cost a hundred GETs. This lets the first call go alone and the others follow once it has
 * settled. The wait is bounded by the first call's own timeout.
 */
export function gatedSignClient(client: VaultSignClient): VaultSignClient {
  let first: Promise<unknown> | undefined;
  return {
    async sign(algorithm, digest, options) {
      if (!first) {
        const call = client.sign(algorithm, digest, options);
        first = call.catch(() => (first = undefined));
        return call;
      }
      await first;
      return client.sign(algorithm, digest, options);
    },
  };
}
