/**
 * Realm export documents, imported whole (POST /admin/realms, `--import-realm` at start) or in part
 * (POST .../partialImport, which benchmarks use to seed 100k users in one call).
 */
import type ClientRepresentation from '@keycloak/keycloak-admin-client/lib/defs/clientRepresentation.js';
import type GroupRepresentation from '@keycloak/keycloak-admin-client/lib/defs/groupRepresentation.js';
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import { badRequest, conflict, KeycloakHttpError } from '../http/errors.js';
import type { RealmModel } from '../state/model.js';
import { clientByClientId, type EmulatorState, unindexUser } from '../state/store.js';
import { importAuthentication } from './authentication/import.js';
import { importClientScopes } from './client-scopes/representation.js';
import { createClientFromRepresentation } from './clients.js';
import { groupPath } from './groups/representation.js';
import { createGroupFromRepresentation } from './groups/tree.js';
import { mergeRealmSettings } from './realm-representation.js';
import { existingRoleNames, importRoles, partialImportRoles } from './roles/import.js';
import { createUserFromRepresentation } from './users/representation.js';

type Rep = Record<string, unknown>;

const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

export const importRealm = (state: EmulatorState, rep: Rep): RealmModel => {
  const name = rep.realm;
  if (typeof name !== 'string' || name === '') throw badRequest('Realm name cannot be empty');
  const realm = state.createRealm(name, typeof rep.id === 'string' ? rep.id : undefined);
  try {
    mergeRealmSettings(realm, rep);
    importClientScopes(realm, rep);
    for (const client of list<ClientRepresentation>(rep.clients)) {
      const existing = client.clientId ? clientByClientId(realm, client.clientId) : undefined;
      if (existing) realm.clients.delete(existing.id);
      createClientFromRepresentation(realm, client);
    }
    if (rep.roles) importRoles(realm, rep.roles);
    for (const group of list<GroupRepresentation>(rep.groups)) createGroupFromRepresentation(realm, group);
    // An export names its default groups by path.
    for (const path of list<string>(rep.defaultGroups)) {
      const group = [...realm.groups.values()].find((g) => groupPath(realm, g) === path);
      if (group) realm.defaultGroupIds.add(group.id);
    }
    if (rep.authenticationFlows || rep.authenticatorConfig || rep.requiredActions) {
      importAuthentication(realm, {
        authenticationFlows: list(rep.authenticationFlows),
        authenticatorConfig: list(rep.authenticatorConfig),
        requiredActions: list(rep.requiredActions),
      });
    }
    for (const user of list<UserRepresentation>(rep.users))
      createUserFromRepresentation(realm, user, { imported: true });
  } catch (error) {
    state.deleteRealm(name);
    throw error;
  }
  return realm;
};

type Policy = 'FAIL' | 'SKIP' | 'OVERWRITE';

interface PartialImportResult {
  action: 'ADDED' | 'SKIPPED' | 'OVERWRITTEN';
  resourceType: string;
  resourceName: string;
  id: string;
}

/**
 * Keycloak's partial import: each resource is added, skipped or overwritten by `ifResourceExists`;
 * with FAIL (the default) a single existing resource fails the whole import before anything changes.
 */
export const partialImport = (realm: RealmModel, rep: Rep) => {
  const policy = (rep.ifResourceExists ?? 'FAIL') as Policy;
  if (!['FAIL', 'SKIP', 'OVERWRITE'].includes(policy)) throw badRequest('Invalid value for ifResourceExists');
  const users = list<UserRepresentation>(rep.users);
  const clients = list<ClientRepresentation>(rep.clients);
  const groups = list<GroupRepresentation>(rep.groups);

  const existingUser = (u: UserRepresentation) =>
    (u.username ? realm.usersByUsername.get(u.username.toLowerCase()) : undefined) ??
    (u.id ? realm.users.get(u.id) : undefined);
  const existingClient = (c: ClientRepresentation) => (c.clientId ? clientByClientId(realm, c.clientId) : undefined);
  const existingGroup = (g: GroupRepresentation) =>
    [...realm.groups.values()].find((x) => !x.parentId && x.name === g.name);

  if (policy === 'FAIL') {
    const clash =
      users.find((u) => existingUser(u))?.username ??
      clients.find((c) => existingClient(c))?.clientId ??
      groups.find((g) => existingGroup(g))?.name ??
      existingRoleNames(realm, rep.roles)[0];
    if (clash !== undefined) throw conflict(`Resource '${clash}' already exists`);
  }

  const results: PartialImportResult[] = [];
  const counts = { added: 0, skipped: 0, overwritten: 0 };
  const apply = <T, M extends { id: string }>(
    items: T[],
    resourceType: string,
    nameOf: (item: T) => string,
    existing: (item: T) => M | undefined,
    remove: (model: M) => void,
    create: (item: T) => M,
  ) => {
    for (const item of items) {
      const found = existing(item);
      if (found && policy === 'SKIP') {
        counts.skipped += 1;
        results.push({ action: 'SKIPPED', resourceType, resourceName: nameOf(item), id: found.id });
        continue;
      }
      if (found) remove(found);
      const created = create(found ? { ...item, id: found.id } : item);
      if (found) counts.overwritten += 1;
      else counts.added += 1;
      results.push({
        action: found ? 'OVERWRITTEN' : 'ADDED',
        resourceType,
        resourceName: nameOf(item),
        id: created.id,
      });
    }
  };

  try {
    apply(
      clients,
      'CLIENT',
      (c) => c.clientId ?? '',
      existingClient,
      (c) => realm.clients.delete(c.id),
      (c) => createClientFromRepresentation(realm, c),
    );
    // Roles after clients (their client roles may belong to clients of this import), counted like the rest.
    for (const result of rep.roles ? partialImportRoles(realm, rep.roles, policy) : []) {
      counts[result.action === 'ADDED' ? 'added' : result.action === 'SKIPPED' ? 'skipped' : 'overwritten'] += 1;
      results.push(result);
    }
    apply(
      groups,
      'GROUP',
      (g) => g.name ?? '',
      existingGroup,
      (g) => realm.groups.delete(g.id),
      (g) => createGroupFromRepresentation(realm, g),
    );
    apply(
      users,
      'USER',
      (u) => u.username ?? '',
      existingUser,
      (u) => unindexUser(realm, u),
      (u) => createUserFromRepresentation(realm, u, { imported: true }),
    );
  } catch (error) {
    if (error instanceof KeycloakHttpError) throw error;
    throw badRequest(error instanceof Error ? error.message : 'Partial import failed');
  }
  return { ...counts, results };
};
