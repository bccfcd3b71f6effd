import type { Logger } from 'pino';
import type { ProviderRegistry } from '@signet/sdk';
import type { SoftKeyProvider } from '@signet/sdk/soft';
import type { TimestampAccuracy } from '@signet/sdk/timestamp';
import type { AuditReader } from '../api/services.js';
import type { ServerConfig } from '../config/schema.js';
import type { Database } from '../store/database.js';
import { createTimestampAuthority, type TimestampAuthority } from './authority.js';
import { createDbSerialNumbers } from './serial-numbers.js';
import { ensureSoftTsaKey } from './tsa-key.js';

export { createTimestampAuthority } from './authority.js';
export type { TimestampAuthority, TimestampAuthorityOptions, TimestampReply } from './authority.js';
export { createDbSerialNumbers } from './serial-numbers.js';
export type { SerialNumbers } from './serial-numbers.js';
export { timestampMigration } from './migration.js';

/**
 * Prepares the configured TSA key at start, beside the server's other keys: a `soft://` key is
 * created with its TSA certificate on first start (and its certificate checked on every start);
 * any other provider's key is used as it is, its certificate attached through
 * `PUT /v1/keys/{key}/certificates`.
 */
export async function ensureTimestampKey(
  config: ServerConfig['timestamp'],
  soft: SoftKeyProvider,
  logger: Logger,
): Promise<void> {
  const name = /^soft:\/\/(.+)$/.exec(config.key)?.[1];
  if (config.enabled && name) await ensureSoftTsaKey(soft, name, logger);
}

/** The timestamp authority the configuration asks for, its key prepared by {@link ensureTimestampKey}. */
export function configuredTimestampAuthority(
  config: ServerConfig['timestamp'],
  context: { providers: ProviderRegistry; database: Database; audit: AuditReader; logger: Logger },
): TimestampAuthority {
  return createTimestampAuthority({
    providers: context.providers,
    key: config.key,
    policy: config.policy,
    accuracy: accuracyOf(config.accuracySec),
    serialNumbers: createDbSerialNumbers(context.database),
    audit: context.audit,
    logger: context.logger,
    rateLimit: config.rateLimit,
  });
}

/** Seconds as an RFC 3161 Accuracy (whole seconds and milliseconds; 0 leaves it out). */
function accuracyOf(seconds: number): TimestampAccuracy | undefined {
  const whole = Math.floor(seconds);
  const millis = Math.min(999, Math.round((seconds - whole) * 1000));
  if (whole === 0 && millis === 0) return undefined;
  return { ...(whole ? { seconds: whole } : {}), ...(millis ? { millis } : {}) };
}
