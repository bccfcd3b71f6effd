import { assertAlgorithmFitsKey, getAlgorithm, type SignatureAlgorithmId } from '../algorithms/algorithms.js';
import { SignetError } from '../errors/errors.js';
import type { Signer } from '../provider/signer.js';
import { createEngineSigner, type EngineSigner } from '../signing/engine-signer.js';
import type { RequestMetadata } from '../signing/request.js';
import type { RemoteClient } from './client.js';

export interface RemoteSignerOptions {
  /** Default: the key's first algorithm. */
  algorithm?: SignatureAlgorithmId;
  /** Facts for the server's policy and audit log (format, application, reason). */
  metadata?: RequestMetadata;
}

/**
 * A {@link Signer} whose digests the server signs, for any format: the same batching as the
 * embedded engine (digests asked for together go as one request, one decision, one approval).
 * The server takes the principal from the token, never from the request.
 *
 * @example
 * ```ts
 * const signer = await createRemoteSigner(createRemoteClient({ url, token }), 'soft://signing', { metadata: { format: 'cms' } });
 * const p7s = await signCms(signer.forArtifact({ name: 'app.tgz' }), { digest });
 * ```
 */
export async function createRemoteSigner(
  client: RemoteClient,
  uri: string,
  options: RemoteSignerOptions = {},
): Promise<EngineSigner> {
  const key = await client.getKey(uri);
  const algorithm = getAlgorithm(options.algorithm ?? key.algorithms[0]!);
  assertAlgorithmFitsKey(algorithm, key.spec);
  const base: Signer = {
    key,
    algorithm,
    sign: () => Promise.reject(new SignetError('INTERNAL', 'Remote signatures go through the batching signer')),
  };
  const server = {
    sign: (request: Parameters<RemoteClient['sign']>[0], o?: { signal?: AbortSignal }) => client.sign(request, o),
  };
  // The principal field is required by the engine's request type; the server ignores it.
  const principal = { kind: 'user', subject: 'token', issuer: 'remote', authMethod: 'jwt' } as const;
  return createEngineSigner(server, base, { principal, ...(options.metadata ? { metadata: options.metadata } : {}) });
}
