import { readFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { isSignetError, SignetError, type ProviderRegistry, type Signer } from '@signet/sdk';
import { createAuditLog, createFileAuditStore, type AuditLog } from '@signet/sdk/audit';
import { createPolicy, parsePolicy, type Policy } from '@signet/sdk/policy';
import { createSigningEngine, type Principal, type SigningEngine } from '@signet/sdk/signing';

/*
 * Embedded signing runs the same engine as the server (invariant 5): policy, audit log, then the
 * key. Here the principal is the local user, the policy is $SIGNET_HOME/policy.yaml (or a
 * built-in one that lets the local user sign with every key), and the audit log is a folder.
 */

/** The policy used when none is configured: the local user may sign with every key. */
export const LOCAL_POLICY_DOCUMENT = {
  version: 1,
  revision: 'builtin-local-1',
  description: 'Built-in: the local user signs with every key. Write $SIGNET_HOME/policy.yaml to restrict it.',
  roles: [{ role: 'local-signer', members: [{ local: '*' }] }],
  rules: [{ name: 'local-user', allow: { roles: ['local-signer'] } }],
} as const;

export interface EmbeddedEngine {
  readonly engine: SigningEngine;
  readonly principal: Principal;
  readonly audit: AuditLog;
  readonly policySource: string;
}

export interface EmbeddedEngineOptions {
  registry: ProviderRegistry;
  /** `$SIGNET_HOME`: holds `policy.yaml` and `audit/`. */
  home: string;
  /** A policy file to use instead of `$SIGNET_HOME/policy.yaml` (`SIGNET_POLICY`). */
  policyFile?: string;
  /** How long to wait for another signet process to release the audit log. */
  lockWaitMs?: number;
}

export async function openEmbeddedEngine(options: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
  const { policy, source } = await loadPolicy(options);
  const audit = await openLocalAudit(options.home, { lockWaitMs: options.lockWaitMs });
  const user = userInfo().username;
  const principal: Principal = { kind: 'local', subject: user, issuer: 'local', authMethod: 'local' };
  const engine = createSigningEngine({ providers: options.registry, policy, audit });
  return { engine, principal, audit, policySource: source };
}

async function loadPolicy(options: EmbeddedEngineOptions): Promise<{ policy: Policy; source: string }> {
  const file = options.policyFile ?? join(options.home, 'policy.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if (options.policyFile === undefined && (cause as NodeJS.ErrnoException).code === 'ENOENT') {
      return { policy: createPolicy(LOCAL_POLICY_DOCUMENT), source: 'built-in local policy' };
    }
    throw new SignetError('IO_ERROR', `${file}: the policy cannot be read`, { cause, details: { path: file } });
  }
  return { policy: parsePolicy(text, { source: file }), source: file };
}

/**
 * Opens the local audit log in `$SIGNET_HOME/audit`, waiting while another signet process (a
 * parallel build step) holds it.
 */
export async function openLocalAudit(
  home: string,
  options: { checkpointSigner?: Signer; lockWaitMs?: number | undefined } = {},
): Promise<AuditLog> {
  const deadline = Date.now() + (options.lockWaitMs ?? 30_000);
  const { checkpointSigner } = options;
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    try {
      const store = await createFileAuditStore({ directory: join(home, 'audit') });
      return await createAuditLog({
        store,
        origin: `${hostname()}/signet-local-audit`,
        ...(checkpointSigner ? { checkpointSigner } : {}),
      });
    } catch (error) {
      if (!isSignetError(error, 'AUDIT_UNAVAILABLE') || Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
