/**
 * Whether an account is protected from recovery by email alone: it holds one of `recovery.protectedRoles`
 * (a realm role name, `client:role`, or `client:*`) *effectively* — directly, through a composite role or
 * through a group (Keycloak's `…/role-mappings/realm/composite` and `…/clients/{uuid}/composite`) — or is a
 * member of one of `protectedGroups` (or of a subgroup of one). Every lookup must succeed: a failure throws,
 * and the caller treats that as protected (fail closed).
 */
import type { KeycloakUsers } from '../keycloak/users.js';

export interface ProtectionRules {
  protectedRoles: string[];
  protectedGroups: string[];
}

/** `client:role` / `client:*` → by client; a plain name → a realm role. */
const split = (rules: ProtectionRules) => {
  const realmRoles = new Set<string>();
  const clientRoles = new Map<string, Set<string>>();
  for (const entry of rules.protectedRoles) {
    const at = entry.indexOf(':');
    if (at < 0) realmRoles.add(entry);
    else {
      const client = entry.slice(0, at);
      clientRoles.set(client, (clientRoles.get(client) ?? new Set()).add(entry.slice(at + 1)));
    }
  }
  return { realmRoles, clientRoles };
};

const inGroup = (path: string, protectedPath: string) => path === protectedPath || path.startsWith(`${protectedPath}/`);

export const isProtectedAccount = async (
  users: KeycloakUsers,
  userId: string,
  rules: ProtectionRules,
): Promise<boolean> => {
  const { realmRoles, clientRoles } = split(rules);
  const effective = await users.effectiveRealmRoles(userId);
  if (effective.some((role) => role.name && realmRoles.has(role.name))) return true;
  for (const [clientId, names] of clientRoles) {
    const uuid = await users.clientUuid(clientId);
    if (!uuid) continue; // a client the realm does not have grants nothing
    const held = await users.effectiveClientRoles(userId, uuid);
    if (held.some((role) => names.has('*') || (role.name !== undefined && names.has(role.name)))) return true;
  }
  if (rules.protectedGroups.length === 0) return false;
  const groups = await users.groups(userId);
  return groups.some((g) => rules.protectedGroups.some((p) => inGroup(g.path ?? '', p)));
};
