import { z } from 'zod';

/*
 * The server's configuration: a YAML or JSON file, then environment overrides. Every field has a
 * default, so no file at all means the embedded defaults: SQLite and a software key store in the
 * data folder, plain HTTP on loopback.
 */

const issuer = z.strictObject({
  /** OIDC issuer URL, exactly as in the tokens' `iss`. */
  issuer: z.string().url(),
  /** Accepted `aud` value(s). */
  audience: z.union([z.string(), z.array(z.string()).min(1)]),
  /** Signature algorithms accepted (never `none` or HMAC). */
  algorithms: z
    .array(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']))
    .optional(),
  /** JWKS URL; default: from the issuer's OIDC discovery document. */
  jwksUri: z.string().url().optional(),
  kind: z.enum(['user', 'ci', 'service']).optional(),
  subjectClaim: z.string().optional(),
  groupsClaim: z.string().optional(),
});

/** Signet's TSA policy OID: 2.25 and a UUID (X.667), so it needs no registered arc. */
const DEFAULT_TSA_POLICY = '2.25.17237507826604478957144633170978279767';

export const serverConfigSchema = z.strictObject({
  /** Folder for the database (SQLite), the software key store and the development master key. */
  dataDir: z.string().default('.signet-server'),
  listen: z
    .strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(8700) })
    .default({ host: '127.0.0.1', port: 8700 }),
  /** HTTPS; without it the server only listens on loopback. */
  tls: z
    .strictObject({
      cert: z.string(),
      key: z.string(),
      /** Ask agents for a client certificate (mTLS), verified against the agent CA. */
      requestClientCertificate: z.boolean().default(true),
    })
    .optional(),
  /** `postgres://...` for PostgreSQL; default: SQLite at `<dataDir>/signet.db`. */
  database: z
    .strictObject({
      url: z.string().optional(),
      /** PostgreSQL schema for Signet's tables (and kysely's migration bookkeeping). */
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]*$/i)
        .optional(),
      poolSize: z.number().int().min(1).max(200).optional(),
    })
    .default({}),
  keys: z
    .strictObject({
      /** The software key store folder; default `<dataDir>/keys`. */
      directory: z.string().optional(),
      /** Key created with a self-signed code-signing certificate on first start. */
      signingKey: z.string().default('signing'),
      /** Key that signs audit checkpoints. */
      auditKey: z.string().default('audit'),
      /** Key of the agent CA. */
      agentCaKey: z.string().default('agent-ca'),
    })
    .default({ signingKey: 'signing', auditKey: 'audit', agentCaKey: 'agent-ca' }),
  /**
   * Key providers beyond the built-in software store, by package (or module file): each exports
   * `signetProvider`, e.g. `{ use: '@signet/provider-pkcs11', options: { module: ..., token: ci } }`.
   * Secrets (PINs, credentials) come from the environment, never from here.
   */
  providers: z
    .array(
      z.strictObject({
        use: z.string().min(1),
        options: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .default([]),
  auth: z
    .strictObject({
      issuers: z.array(issuer).default([]),
      clockToleranceSec: z.number().int().min(0).max(600).default(60),
    })
    .default({ issuers: [], clockToleranceSec: 60 }),
  audit: z
    .strictObject({ origin: z.string().optional(), checkpointIntervalSec: z.number().int().min(1).default(60) })
    .default({ checkpointIntervalSec: 60 }),
  /** The durable job queue of this process (asynchronous signing). */
  jobs: z
    .strictObject({
      /**
       * Seconds a worker's claim on a job lasts; a worker renews it every third of that while it
       * signs, so only a dead worker's jobs are taken over, after at most this long.
       */
      leaseSec: z.number().int().min(1).max(3600).default(60),
      /** Jobs this process runs at once. */
      concurrency: z.number().int().min(1).max(256).default(4),
      /** ms between polls for due jobs (a submission on this process starts at once). */
      pollIntervalMs: z.number().int().min(10).max(60_000).default(1000),
    })
    .default({ leaseSec: 60, concurrency: 4, pollIntervalMs: 1000 }),
  /**
   * The RFC 3161 timestamp authority at `POST /v1/timestamp` (unauthenticated, like any public
   * TSA, and rate-limited per client address).
   */
  timestamp: z
    .strictObject({
      enabled: z.boolean().default(true),
      /**
       * The TSA key. `soft://NAME` is created on first start with a self-signed TSA certificate;
       * a key of any other provider needs a certificate whose extended key usage is timeStamping
       * alone, critical (RFC 3161 §2.3).
       */
      key: z.string().min(1).default('soft://tsa'),
      /**
       * The TSA policy OID of every token. The default is Signet's own under 2.25 (a UUID, X.667);
       * an operator with a policy document names its OID here.
       */
      policy: z
        .string()
        .regex(/^[0-2](\.(0|[1-9][0-9]*))+$/)
        .default(DEFAULT_TSA_POLICY),
      /** How far the server's clock may be from UTC, seconds (in every token). 0 leaves it out. */
      accuracySec: z.number().min(0).max(3600).default(1),
      /** Requests per second per client address (token bucket, burst = 2 × rate). */
      rateLimit: z.number().int().min(1).default(50),
    })
    .default({ enabled: true, key: 'soft://tsa', policy: DEFAULT_TSA_POLICY, accuracySec: 1, rateLimit: 50 }),
  /** Requests per second per principal. */
  rateLimit: z.number().int().min(1).default(200),
  /** Largest request body, bytes. */
  bodyLimit: z
    .number()
    .int()
    .min(1024)
    .default(1 << 20),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type ServerConfig = z.output<typeof serverConfigSchema>;
