/**
 * Whether an account is protected (staff, admins, any effective `realm-management` role, configured roles and
 * groups): only a helpdesk admin may change it, and with four eyes a second one approves. Effective roles:
 * Keycloak's composite role-mapping endpoints, which expand composites and group-inherited roles (attack 4 of
 * issue 19 came through a group and a composite realm role). Any lookup error refuses: the check fails closed.
 */
import { ApiError } from '../http/errors.js';
import type { KeycloakRoles } from '../keycloak/roles.js';
import type { KeycloakUsers } from '../keycloak/users.js';

export interface ProtectionRules {
  /** realm role names, `client:role`, or `client:*` for any role of that client */
  protectedRoles: string[];
  /** group paths whose members (and their subgroups' members) are protected */
  protectedGroups: string[];
}

interface RolePattern {
  client?: string;
  role: string;
}

const patternOf = (text: string): RolePattern => {
  const at = text.indexOf(':');
  return at < 0 ? { role: text } : { client: text.slice(0, at), role: text.slice(at + 1) };
};

const under = (paths: string[], root: string) => paths.some((p) => p === root || p.startsWith(`${root}/`));

/** Why the user is protected (the role or group), or undefined; throws a 503 refusal when Keycloak cannot say. */
export const protectionOf = async (
  users: KeycloakUsers,
  roles: KeycloakRoles,
  rules: ProtectionRules,
  userId: string,
): Promise<string | undefined> => {
  try {
    return await lookUp(users, roles, rules, userId);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(503, 'privilege_check_failed', 'Could not read the account’s roles; nothing was changed');
  }
};

const lookUp = async (users: KeycloakUsers, roles: KeycloakRoles, rules: ProtectionRules, userId: string) => {
  const patterns = rules.protectedRoles.map(patternOf);
  const realmRoles = new Set((await users.effectiveRealmRoles(userId)).map((r) => r.name));
  const realmHit = patterns.find((p) => !p.client && realmRoles.has(p.role));
  if (realmHit) return `role ${realmHit.role}`;
  for (const client of new Set(patterns.flatMap((p) => (p.client ? [p.client] : [])))) {
    const uuid = await roles.clientUuid(client);
    // A client the sidecar cannot resolve could hide an admin: refuse rather than guess nobody holds its roles.
    if (!uuid)
      throw new ApiError(503, 'privilege_check_failed', `Cannot resolve the client ${client} of a protected role`);
    const held = new Set((await users.effectiveClientRoles(userId, uuid)).map((r) => r.name));
    const hit = patterns.find((p) => p.client === client && (p.role === '*' ? held.size > 0 : held.has(p.role)));
    if (hit) return `role ${client}:${hit.role}`;
  }
  if (rules.protectedGroups.length === 0) return undefined;
  const paths = (await users.groups(userId)).map((g) => g.path ?? '');
  const group = rules.protectedGroups.find((root) => under(paths, root));
  return group ? `group ${group}` : undefined;
};
