import type { Principal } from '../signing/request.js';
import { compileCi } from './ci.js';
import { compileGlob, compileGlobs, type Matcher } from './glob.js';
import type { RoleBinding, RoleMember } from './schema.js';

/** A role binding with its matchers built. */
export interface CompiledBinding {
  readonly role: string;
  /** The keys the binding is limited to; every key when absent. */
  readonly keys?: Matcher;
  readonly members: readonly ((principal: Principal) => boolean)[];
}

/** Key patterns with `group:NAME` replaced by the group's patterns. */
export function keyMatcher(patterns: readonly string[], groups: Readonly<Record<string, readonly string[]>>): Matcher {
  return compileGlobs(patterns.flatMap((p) => (p.startsWith('group:') ? (groups[p.slice(6)] ?? []) : [p])));
}

function compileMember(member: RoleMember): (principal: Principal) => boolean {
  const issuer = member.issuer === undefined ? undefined : compileGlob(member.issuer);
  const named = (kind: Principal['kind'], pattern: string) => {
    const match = compileGlob(pattern);
    return (p: Principal) => p.kind === kind && match(p.subject);
  };
  let base: (principal: Principal) => boolean;
  if (member.user !== undefined) base = named('user', member.user);
  else if (member.service !== undefined) base = named('service', member.service);
  else if (member.agent !== undefined) base = named('agent', member.agent);
  else if (member.local !== undefined) base = named('local', member.local);
  else if (member.group !== undefined) {
    const match = compileGlob(member.group);
    base = (p) => p.groups?.some(match) === true;
  } else {
    const match = compileCi(member.ci ?? {});
    base = (p) => p.kind === 'ci' && p.ci !== undefined && match(p.ci).length === 0;
  }
  return issuer ? (p) => issuer(p.issuer) && base(p) : base;
}

export function compileBinding(
  binding: RoleBinding,
  groups: Readonly<Record<string, readonly string[]>>,
): CompiledBinding {
  return {
    role: binding.role,
    ...(binding.keys ? { keys: keyMatcher(binding.keys, groups) } : {}),
    members: binding.members.map(compileMember),
  };
}

/**
 * The roles `principal` holds on a key: those the authenticator granted (`principal.roles`) and
 * those of every binding in `bindings` (the ones that cover the key) that includes the principal.
 */
export function rolesOn(bindings: readonly CompiledBinding[], principal: Principal): Set<string> {
  const roles = new Set(principal.roles);
  for (const binding of bindings) {
    if (!roles.has(binding.role) && binding.members.some((member) => member(principal))) roles.add(binding.role);
  }
  return roles;
}
