import { readFile } from 'node:fs/promises';
import { SignetError } from '@signet/sdk';
import { parse as parseYaml } from 'yaml';
import { serverConfigSchema, type ServerConfig } from './schema.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the configuration: the file named by `SIGNET_CONFIG` (YAML or JSON; none = defaults), then
 * environment overrides: `DATABASE_URL`, `DATABASE_SCHEMA`, `SIGNET_DATA`, `SIGNET_LISTEN` (`host:port`),
 * `SIGNET_LOG_LEVEL`. The only place that reads the environment for the server (CONVENTIONS 7).
 *
 * @throws SignetError `INVALID_ARGUMENT` naming the file and every field that is wrong.
 */
export async function loadConfig(env: Env): Promise<ServerConfig> {
  const file = env.SIGNET_CONFIG;
  let raw: Record<string, unknown> = {};
  if (file) {
    const text = await readFile(file, 'utf8').catch((cause: unknown) => {
      throw new SignetError('IO_ERROR', `${file}: the configuration cannot be read`, { cause });
    });
    raw = (parseYaml(text) as Record<string, unknown> | null) ?? {};
  }
  const listen = env.SIGNET_LISTEN ? /^(.*):(\d+)$/.exec(env.SIGNET_LISTEN) : undefined;
  if (env.SIGNET_LISTEN && !listen)
    throw new SignetError('INVALID_ARGUMENT', `SIGNET_LISTEN must be host:port, not "${env.SIGNET_LISTEN}"`);
  const merged = {
    ...raw,
    ...(env.SIGNET_DATA ? { dataDir: env.SIGNET_DATA } : {}),
    ...(env.DATABASE_URL || env.DATABASE_SCHEMA
      ? {
          database: {
            ...(raw.database as object),
            ...(env.DATABASE_URL ? { url: env.DATABASE_URL } : {}),
            ...(env.DATABASE_SCHEMA ? { schema: env.DATABASE_SCHEMA } : {}),
          },
        }
      : {}),
    ...(listen ? { listen: { host: listen[1], port: Number(listen[2]) } } : {}),
    ...(env.SIGNET_LOG_LEVEL ? { logLevel: env.SIGNET_LOG_LEVEL } : {}),
  };
  const result = serverConfigSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new SignetError('INVALID_ARGUMENT', `${file ?? 'configuration'}: ${problems.join('; ')}`, {
      details: { problems },
    });
  }
  const config = result.data;
  if (!config.tls && !isLoopback(config.listen.host)) {
    throw new SignetError(
      'INVALID_ARGUMENT',
      `Plain HTTP is only served on loopback; configure tls to listen on ${config.listen.host}`,
    );
  }
  return config;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
