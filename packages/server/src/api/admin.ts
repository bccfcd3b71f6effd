import type { Context } from 'hono';
import { SignetError } from '@signet/sdk';
import { resolveRoles } from '@signet/sdk/policy';
import type { Principal } from '@signet/sdk/signing';
import type { AppEnv, Services } from './services.js';

/**
 * Admin operations (policy, tokens, agents) need the `admin` role: granted by the authenticator
 * (the bootstrap token, an API token's roles) or by the policy in force.
 *
 * @throws SignetError `PERMISSION_DENIED`
 */
export async function requireAdmin(c: Context<AppEnv>, services: Services): Promise<Principal> {
  const principal = c.get('principal');
  if (await isAdmin(principal, services)) return principal;
  throw new SignetError('PERMISSION_DENIED', 'This needs the admin role');
}

/** Whether `principal` holds the `admin` role, from its authenticator or the policy in force. */
export async function isAdmin(principal: Principal, services: Pick<Services, 'policies'>): Promise<boolean> {
  if (principal.roles?.includes('admin')) return true;
  const current = await services.policies.current();
  return Boolean(current && resolveRoles(current.policy, principal, '').includes('admin'));
}
