/**
 * sidecar.yaml's protected roles as Keycloak's "Condition - user role" will read them. The condition names a role
 * as `clientId.role` or a realm role and resolves it like KeycloakModelUtils#getRoleFromString: from the last dot
 * leftwards, the first prefix naming a client decides; else the realm role. A name that resolves to no role makes
 * the condition false, only logged (ConditionalRoleAuthenticator#matchCondition), so a typo or a deleted role
 * would silently unprotect its holders: such an entry is refused here, naming it. Entries of the built-in default
 * list that the realm lacks protect nobody and are left out.
 */
import { DEFAULT_PROTECTED_ROLES, RealmConfigError } from '../../realm-files/src/index.js';

/** What the resolution needs to know of the live realm. */
export interface RoleLookups {
  /** the role names of the client with this clientId; undefined when no such client exists */
  clientRoles(clientId: string): Promise<string[] | undefined>;
  realmRoleExists(name: string): Promise<boolean>;
}

/** A role as the resolution found it: a client's (by clientId) or a realm role. */
export interface RoleRef {
  clientId?: string;
  role: string;
}

const MAX_CLIENT_LOOKUPS = 25;

/** KeycloakModelUtils#getRoleFromString over the live realm: the role a condition name means, if any. */
export const resolveRoleName = async (name: string, lookups: RoleLookups): Promise<RoleRef | undefined> => {
  let dot = name.lastIndexOf('.');
  for (let count = 0; dot >= 0 && count < MAX_CLIENT_LOOKUPS; count++) {
    const clientId = name.slice(0, dot);
    const roles = await lookups.clientRoles(clientId);
    if (roles) return roles.includes(name.slice(dot + 1)) ? { clientId, role: name.slice(dot + 1) } : undefined;
    dot = dot === 0 ? -1 : name.lastIndexOf('.', dot - 1);
  }
  return (await lookups.realmRoleExists(name)) ? { role: name } : undefined;
};

const describe = (ref: RoleRef) =>
  ref.clientId ? `client "${ref.clientId}"'s role "${ref.role}"` : `realm role "${ref.role}"`;

/** The roles an entry (`role`, `client:role`, `client:*`) stands for; undefined when its client does not exist. */
const intendedRoles = async (entry: string, lookups: RoleLookups): Promise<RoleRef[] | undefined> => {
  const colon = entry.indexOf(':');
  if (colon < 0) return [{ role: entry }];
  const clientId = entry.slice(0, colon);
  const role = entry.slice(colon + 1);
  const roles = await lookups.clientRoles(clientId);
  if (!roles) return undefined;
  return (role === '*' ? roles : [role]).map((r) => ({ clientId, role: r }));
};

/**
 * The "Condition - user role" names of the protected roles, each checked to resolve to the very role it stands
 * for; `declared` are realm roles realm.yaml creates. Throws, naming the entry, when one does not.
 */
export const protectedConditionNames = async (
  entries: string[],
  lookups: RoleLookups,
  declared: ReadonlySet<string>,
): Promise<string[]> => {
  const names = new Set<string>();
  const refuse = (entry: string, why: string) =>
    new RealmConfigError(
      `sidecar.yaml recovery.protectedRoles: "${entry}" ${why}; "Condition - user role" would be silently false and its holders unprotected — create the role or remove the entry`,
    );
  for (const entry of entries) {
    const wanted = await intendedRoles(entry, lookups);
    if (!wanted) {
      if (DEFAULT_PROTECTED_ROLES.includes(entry)) continue;
      throw refuse(entry, `names client "${entry.slice(0, entry.indexOf(':'))}", which does not exist in the realm`);
    }
    for (const ref of wanted) {
      const name = ref.clientId ? `${ref.clientId}.${ref.role}` : ref.role;
      if (!ref.clientId && declared.has(ref.role)) {
        names.add(name);
        continue;
      }
      const found = await resolveRoleName(name, lookups);
      if (found?.clientId === ref.clientId && found?.role === ref.role) names.add(name);
      else if (!found && DEFAULT_PROTECTED_ROLES.includes(entry)) continue;
      else if (!found) throw refuse(entry, `is no role of the realm (${describe(ref)} does not exist)`);
      else throw refuse(entry, `is read by Keycloak as ${describe(found)} ("${name}"), not as ${describe(ref)}`);
    }
  }
  return [...names].sort();
};
