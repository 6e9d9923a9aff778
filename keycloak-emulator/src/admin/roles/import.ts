/** Realm-export roles: created or updated first, then composites linked by name. */
import type RoleRepresentation from '@keycloak/keycloak-admin-client/lib/defs/roleRepresentation.js';
import type { RealmModel, RoleModel } from '../../state/model.js';
import { clientByClientId, newRole } from '../../state/store.js';

/**
 * Imports a realm export's `roles` ({ realm: RoleRepresentation[], client: { [clientId]: RoleRepresentation[] } }),
 * creating missing roles and then linking composites by name. Existing roles are updated.
 */
export const importRoles = (realm: RealmModel, roles: unknown): void => {
  const spec = (roles ?? {}) as { realm?: RoleRepresentation[]; client?: Record<string, RoleRepresentation[]> };
  const upsert = (
    container: Map<string, RoleModel>,
    containerId: string,
    clientRole: boolean,
    rep: RoleRepresentation,
  ) => {
    if (!rep.name) return;
    const role = container.get(rep.name) ?? newRole(rep.name, containerId, clientRole, rep.description);
    if (rep.id && !container.has(rep.name)) role.id = rep.id;
    if (rep.description !== undefined) role.description = rep.description;
    if (rep.attributes) role.attributes = structuredClone(rep.attributes as Record<string, string[]>);
    container.set(role.name, role);
  };
  for (const rep of spec.realm ?? []) upsert(realm.roles, realm.id, false, rep);
  for (const [clientId, reps] of Object.entries(spec.client ?? {})) {
    const client = clientByClientId(realm, clientId);
    if (client) for (const rep of reps) upsert(client.roles, client.id, true, rep);
  }
  const link = (role: RoleModel | undefined, rep: RoleRepresentation) => {
    const composites = rep.composites as { realm?: string[]; client?: Record<string, string[]> } | undefined;
    if (!role || !composites) return;
    for (const name of composites.realm ?? []) {
      const part = realm.roles.get(name);
      if (part) role.compositeIds.add(part.id);
    }
    for (const [clientId, names] of Object.entries(composites.client ?? {})) {
      const client = clientByClientId(realm, clientId);
      for (const name of names) {
        const part = client?.roles.get(name);
        if (part) role.compositeIds.add(part.id);
      }
    }
    role.composite = role.compositeIds.size > 0;
  };
  for (const rep of spec.realm ?? []) link(rep.name ? realm.roles.get(rep.name) : undefined, rep);
  for (const [clientId, reps] of Object.entries(spec.client ?? {})) {
    const client = clientByClientId(realm, clientId);
    for (const rep of reps) link(rep.name ? client?.roles.get(rep.name) : undefined, rep);
  }
};

type ImportPolicy = 'FAIL' | 'SKIP' | 'OVERWRITE';
type RoleSpec = { realm?: RoleRepresentation[]; client?: Record<string, RoleRepresentation[]> };

export interface RoleImportResult {
  action: 'ADDED' | 'SKIPPED' | 'OVERWRITTEN';
  resourceType: 'REALM_ROLE' | 'CLIENT_ROLE';
  resourceName: string;
  id: string;
}

interface NamedRole {
  rep: RoleRepresentation;
  type: RoleImportResult['resourceType'];
  existing?: RoleModel;
  /** the container, looked up late: client roles may belong to a client this import just created */
  container: () => Map<string, RoleModel> | undefined;
}

/** Every role a partial import names, with the container it goes to and the role already there. */
const namedRoles = (realm: RealmModel, spec: RoleSpec): NamedRole[] => {
  const named: NamedRole[] = (spec.realm ?? []).map((rep) => ({
    rep,
    type: 'REALM_ROLE',
    existing: rep.name ? realm.roles.get(rep.name) : undefined,
    container: () => realm.roles,
  }));
  for (const [clientId, reps] of Object.entries(spec.client ?? {})) {
    const container = () => clientByClientId(realm, clientId)?.roles;
    for (const rep of reps) {
      named.push({ rep, type: 'CLIENT_ROLE', existing: rep.name ? container()?.get(rep.name) : undefined, container });
    }
  }
  return named;
};

/** Names of roles a FAIL import would clash with. */
export const existingRoleNames = (realm: RealmModel, roles: unknown): string[] =>
  namedRoles(realm, (roles ?? {}) as RoleSpec)
    .filter((r) => r.existing)
    .map((r) => r.rep.name ?? '');

/**
 * Keycloak's partial import of `roles`: each realm and client role is ADDED, SKIPPED or OVERWRITTEN and
 * counted like users and groups (contract §12, verified in Keycloak's RolesPartialImport).
 */
export const partialImportRoles = (realm: RealmModel, roles: unknown, policy: ImportPolicy): RoleImportResult[] => {
  const spec = (roles ?? {}) as RoleSpec;
  const named = namedRoles(realm, spec).filter((r) => r.rep.name);
  const skipped = new Set(policy === 'SKIP' ? named.filter((r) => r.existing).map((r) => r.rep) : []);
  const keep = (reps: RoleRepresentation[] | undefined) => (reps ?? []).filter((rep) => !skipped.has(rep));
  importRoles(realm, {
    realm: keep(spec.realm),
    client: Object.fromEntries(Object.entries(spec.client ?? {}).map(([id, reps]) => [id, keep(reps)])),
  });
  return named.flatMap(({ rep, type, existing, container }) => {
    const role = container()?.get(rep.name as string);
    if (!role) return [];
    const action: RoleImportResult['action'] = skipped.has(rep) ? 'SKIPPED' : existing ? 'OVERWRITTEN' : 'ADDED';
    return [{ action, resourceType: type, resourceName: role.name, id: role.id }];
  });
};
