import type { Logger } from 'pino';
import { createSigner, type ProviderRegistry, type Signer } from '@signet/sdk';
import { principalId } from '@signet/sdk/policy';
import { encodeTimestampRefusal, issueTimestamp, type TimestampAccuracy } from '@signet/sdk/timestamp';
import type { AuditReader } from '../api/services.js';
import type { SerialNumbers } from './serial-numbers.js';

/** A reply for the HTTP layer: a DER TimeStampResp and the status to send it with. */
export interface TimestampReply {
  /** 200 for a token or a refusal of the request; 503 when the TSA itself failed (systemFailure). */
  readonly status: 200 | 503;
  readonly body: Uint8Array;
}

/** The server's timestamp authority, behind `POST /v1/timestamp`. */
export interface TimestampAuthority {
  /** Answers a DER TimeStampReq; never throws. */
  respond(request: Uint8Array): Promise<TimestampReply>;
  /** Requests per second each client address may make. */
  readonly rateLimit: number;
}

export interface TimestampAuthorityOptions {
  providers: ProviderRegistry;
  /** The TSA key's URI; its certificate must be a TSA's (EKU timeStamping, critical). */
  key: string;
  /** The TSA policy OID of every token. */
  policy: string;
  accuracy?: TimestampAccuracy;
  serialNumbers: SerialNumbers;
  /** Each token is recorded before it is sent. */
  audit: Pick<AuditReader, 'append'>;
  logger: Logger;
  /** Requests per second per client address. */
  rateLimit: number;
  /** How long the key and its certificate are reused before being read again, in ms. Default 60 000. */
  keyTtlMs?: number;
}

const ACTOR = principalId({ issuer: 'signet', subject: 'tsa' });

/**
 * An RFC 3161 timestamp authority on any provider's key: each granted token takes the next
 * serial number from the database, is recorded in the audit log (its serial number and imprint,
 * not the token) and only then sent; a token whose record fails is discarded, as any signature.
 * The key and its certificate are read on first use and again every `keyTtlMs`, so a certificate
 * attached to a KMS or HSM key after the start is picked up.
 */
export function createTimestampAuthority(options: TimestampAuthorityOptions): TimestampAuthority {
  const { logger } = options;
  const ttl = options.keyTtlMs ?? 60_000;
  let cached: { at: number; signer: Promise<Signer> } | undefined;
  const signer = () => {
    if (!cached || performance.now() - cached.at > ttl) {
      const entry = { at: performance.now(), signer: createSigner(options.providers, options.key) };
      // A failure is not kept: the next request tries again.
      entry.signer.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
    }
    return cached.signer;
  };

  return {
    rateLimit: options.rateLimit,
    async respond(request) {
      try {
        const issued = await issueTimestamp({
          request,
          signer: await signer(),
          serialNumber: () => options.serialNumbers.next(),
          policy: options.policy,
          ...(options.accuracy ? { accuracy: options.accuracy } : {}),
        });
        if (issued.granted) {
          const data = {
            format: 'rfc3161',
            key: options.key,
            serialNumber: issued.serialNumber.toString(),
            hash: issued.hash,
            imprint: Buffer.from(issued.imprint).toString('hex'),
            genTime: issued.time.toISOString(),
            policy: options.policy,
          };
          await options.audit.append([{ type: 'signature', actor: ACTOR, data }]);
        }
        return { status: 200, body: issued.response };
      } catch (error) {
        logger.error({ err: error, key: options.key }, 'timestamp not issued');
        return {
          status: 503,
          body: encodeTimestampRefusal('systemFailure', 'The timestamp authority cannot issue timestamps now'),
        };
      }
    },
  };
}
