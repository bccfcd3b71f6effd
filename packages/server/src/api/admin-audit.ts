import { SignetError } from '@signet/sdk';
import type { AuditEventType } from '@signet/sdk/audit';
import { principalId } from '@signet/sdk/policy';
import type { Principal } from '@signet/sdk/signing';
import type { Services } from './services.js';

/**
 * Records an administrative change (policy, keys, tokens, agents) in the audit log beside the
 * signatures it governs. Callers record before the change when its outcome is already known, and
 * right after it otherwise; either way a change whose record cannot be written is answered with
 * `AUDIT_UNAVAILABLE`, never as a success.
 */
export async function recordAdminEvent(
  services: Pick<Services, 'audit'>,
  actor: Principal,
  type: Extract<AuditEventType, 'policy' | 'key' | 'admin'>,
  data: Record<string, unknown>,
): Promise<void> {
  try {
    await services.audit.append([{ type, actor: principalId(actor), data }]);
  } catch (cause) {
    throw new SignetError('AUDIT_UNAVAILABLE', 'The audit log could not record the change', { cause });
  }
}
