import { mkdir } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import pino, { type Logger } from 'pino';
import { createProviderRegistry, createSigner } from '@signet/sdk';
import { principalId } from '@signet/sdk/policy';
import { createSigningEngine } from '@signet/sdk/signing';
import { createApp } from './api/app.js';
import { createMetrics } from './api/metrics.js';
import type { Services } from './api/services.js';
import { authenticate, createAgentCa, createAgents, createApiTokens, createJwtAuthenticator } from './auth/index.js';
import { ensureKey, openServerKeyStore } from './bootstrap-keys.js';
import { registerConfiguredProviders } from './configured-providers.js';
import type { Env } from './config/load.js';
import type { ServerConfig } from './config/schema.js';
import { initialPolicy } from './initial-policy.js';
import { createDbJobQueue } from './jobs/index.js';
import { createDbAuditLog } from './store/audit/index.js';
import {
  createDbApprovalStore,
  createDbIdempotencyStore,
  createDbUsageStore,
  createPolicyRepository,
} from './store/core/index.js';
import { openDatabase } from './store/database.js';
import { configuredTimestampAuthority, ensureTimestampKey } from './timestamp/index.js';

export interface SignetServer {
  readonly services: Services;
  /** The admin bootstrap token, when this start created it (shown once, never stored in clear). */
  readonly bootstrapToken: string | undefined;
  /** Starts listening; resolves with the URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The composition root: builds the whole object graph from a configuration. Embedded defaults
 * need nothing else: SQLite and a software key store in the data folder, a signing key with a
 * self-signed certificate, an audit key, an agent CA, and an initial policy.
 */
export async function createSignetServer(
  config: ServerConfig,
  env: Env,
  options: { logger?: Logger } = {},
): Promise<SignetServer> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  const soft = await openServerKeyStore(config.keys.directory ?? join(dataDir, 'keys'), dataDir, env, logger);
  await ensureKey(soft, config.keys.signingKey, logger, 'Signet Signing (development)');
  await ensureKey(soft, config.keys.auditKey, logger);
  await ensureKey(soft, config.keys.agentCaKey, logger);
  await ensureTimestampKey(config.timestamp, soft, logger);
  const providers = createProviderRegistry();
  providers.register('soft', () => soft);

  const database = await openDatabase({
    url: config.database.url ?? join(dataDir, 'signet.db'),
    ...(config.database.poolSize ? { poolSize: config.database.poolSize } : {}),
    ...(config.database.schema ? { schema: config.database.schema } : {}),
  });
  try {
    await registerConfiguredProviders(providers, config.providers, { env, database, logger });
  } catch (error) {
    // A start that fails leaves nothing open: sessions on a token, database connections.
    await providers.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }
  const policies = createPolicyRepository(database);
  const audit = await createDbAuditLog(database, {
    origin: config.audit.origin ?? `${hostname()}/signet`,
    checkpointSigner: await createSigner(providers, `soft://${config.keys.auditKey}`),
  });
  if (!(await policies.current())) {
    const internal = [config.keys.auditKey, config.keys.agentCaKey].map((name) => `soft://${name}`);
    internal.push(config.timestamp.key); // signs timestamp tokens only, never a digest sent to /v1/sign
    const stored = await policies.put({
      text: initialPolicy(internal),
      source: 'initial policy',
      actor: 'signet-server',
    });
    const data = { action: 'initial', version: stored.version, revision: stored.revision, sha256: stored.sha256 };
    await audit.append([{ type: 'policy', actor: 'signet|server', data }]);
  }
  const timestamps = config.timestamp.enabled
    ? configuredTimestampAuthority(config.timestamp, { providers, database, audit, logger })
    : undefined;
  const currentPolicy = cachedPolicy(policies);
  const engineOptions = {
    providers,
    policy: currentPolicy,
    usage: createDbUsageStore(database, { recordedByAudit: true }),
    approvals: createDbApprovalStore(database),
    idempotency: createDbIdempotencyStore(database),
  };
  const engine = createSigningEngine({ ...engineOptions, audit });
  const jobs = createDbJobQueue({
    database,
    audit,
    engineOptions,
    workerId: `${hostname()}-${process.pid}`,
    leaseMs: config.jobs.leaseSec * 1000,
    concurrency: config.jobs.concurrency,
    pollIntervalMs: config.jobs.pollIntervalMs,
  });

  const apiTokens = createApiTokens(database);
  // The agent CA's certificate is kept on its key, so agents' certificates outlive a restart.
  const caUri = `soft://${config.keys.agentCaKey}`;
  const caCertificate = (await soft.getKey(caUri)).certificates[0];
  const agentCa = await createAgentCa({
    signer: await createSigner(providers, caUri),
    ...(caCertificate ? { certificate: caCertificate } : {}),
  });
  if (!caCertificate) await soft.setCertificates({ key: caUri, certificates: [agentCa.certificate] });
  const agents = createAgents(database, agentCa);
  const jwt = createJwtAuthenticator({
    issuers: config.auth.issuers,
    clockToleranceSec: config.auth.clockToleranceSec,
  });
  const bootstrapToken = await apiTokens.bootstrapAdmin();

  const metrics = createMetrics();
  const services: Services = {
    engine,
    providers,
    jobs,
    audit,
    policies,
    authenticate: authenticate({ jwt, apiTokens, agents }),
    tokens: apiTokens,
    agents,
    ready: async () => {
      await audit.size();
      await currentPolicy();
    },
    logger,
    metrics,
    rateLimit: config.rateLimit,
    bodyLimit: config.bodyLimit,
    ...(timestamps ? { timestamps } : {}),
  };
  const app = createApp(services);

  let server: ServerType | undefined;
  const checkpoints = setInterval(() => {
    void checkpointIfGrown().catch((error: unknown) => logger.error({ err: error }, 'audit checkpoint failed'));
  }, config.audit.checkpointIntervalSec * 1000);
  checkpoints.unref();
  async function checkpointIfGrown(): Promise<void> {
    const size = await audit.size();
    if (size > ((await audit.latestCheckpoint())?.treeSize ?? 0)) await audit.checkpoint();
  }

  return {
    services,
    bootstrapToken,
    async listen() {
      jobs.start();
      await checkpointIfGrown();
      const { host, port } = config.listen;
      const tls = config.tls;
      return new Promise((resolveUrl) => {
        server = serve(
          {
            fetch: app.fetch,
            hostname: host,
            port,
            ...(tls
              ? {
                  createServer: createHttpsServer,
                  serverOptions: {
                    cert: readFileSync(tls.cert),
                    key: readFileSync(tls.key),
                    // Agents present client certificates; people and CI use bearer tokens, so the
                    // certificate is requested, and checked by the authentication layer.
                    requestCert: tls.requestClientCertificate,
                    rejectUnauthorized: false,
                    ca: [agentCa.certificatePem],
                  },
                }
              : {}),
          },
          (info) =>
            resolveUrl(
              `${tls ? 'https' : 'http'}://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`,
            ),
        );
      });
    },
    async close() {
      clearInterval(checkpoints);
      await jobs.stop();
      await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
      await audit.close();
      await database.close();
      await providers.close();
      logger.info({ actor: principalId({ issuer: 'signet', subject: 'server' }) }, 'stopped');
    },
  };
}

/** The policy in force, re-read at most once a second (a PUT on another replica shows within 1 s). */
function cachedPolicy(policies: Services['policies']) {
  let cached: { at: number; value: Promise<import('@signet/sdk/policy').Policy> } | undefined;
  return () => {
    if (!cached || performance.now() - cached.at > 1000) {
      cached = { at: performance.now(), value: policies.current().then((p) => p!.policy) };
    }
    return cached.value;
  };
}
