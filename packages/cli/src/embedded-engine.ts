import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { isSignetError, SignetError, type ProviderRegistry, type Signer } from '@signet/sdk';
import { createAuditLog, createFileAuditStore, type AuditLog } from '@signet/sdk/audit';
import { createPolicy, parsePolicy, principalId, type Policy } from '@signet/sdk/policy';
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
  readonly policySource: string;
}

export interface EmbeddedEngineOptions {
  registry: ProviderRegistry;
  /** The local audit log (one per process: it holds the folder's lock). */
  audit: AuditLog;
  /** `$SIGNET_HOME`: holds `policy.yaml`. */
  home: string;
  /** A policy file to use instead of `$SIGNET_HOME/policy.yaml` (`SIGNET_POLICY`). */
  policyFile?: string;
}

/** The local user, as the policy and the audit log see them. */
export function localPrincipal(): Principal {
  return { kind: 'local', subject: userInfo().username, issuer: 'local', authMethod: 'local' };
}

export async function openEmbeddedEngine(options: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
  const { policy, source, text } = await loadPolicy(options);
  const principal = localPrincipal();
  await recordPolicyChange(options, principal, policy, source, text);
  const engine = createSigningEngine({ providers: options.registry, policy, audit: options.audit });
  return { engine, principal, policySource: source };
}

/**
 * Appends a `policy` event when the policy in force differs from the last one recorded, so a
 * changed policy file shows in the tamper-evident log. The last digest is kept beside the log.
 */
async function recordPolicyChange(
  options: EmbeddedEngineOptions,
  principal: Principal,
  policy: Policy,
  source: string,
  text: string,
): Promise<void> {
  const digest = createHash('sha256').update(text).digest('hex');
  const marker = join(options.home, 'audit', 'policy.sha256');
  const last = await readFile(marker, 'utf8').catch(() => '');
  if (last.trim() === digest) return;
  await options.audit.append([
    {
      type: 'policy',
      actor: principalId(principal),
      data: { action: 'in-force', revision: policy.revision, source, sha256: digest },
    },
  ]);
  await writeFile(marker, `${digest}\n`, { mode: 0o600 });
}

async function loadPolicy(options: EmbeddedEngineOptions): Promise<{ policy: Policy; source: string; text: string }> {
  const file = options.policyFile ?? join(options.home, 'policy.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if (options.policyFile === undefined && (cause as NodeJS.ErrnoException).code === 'ENOENT') {
      return {
        policy: createPolicy(LOCAL_POLICY_DOCUMENT),
        source: 'built-in local policy',
        text: JSON.stringify(LOCAL_POLICY_DOCUMENT),
      };
    }
    throw new SignetError('IO_ERROR', `${file}: the policy cannot be read`, { cause, details: { path: file } });
  }
  return { policy: parsePolicy(text, { source: file }), source: file, text };
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
