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
