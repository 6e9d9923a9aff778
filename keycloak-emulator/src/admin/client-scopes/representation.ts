/** ClientScopeRepresentation and ProtocolMapperRepresentation in and out. */

import { randomUUID } from 'node:crypto';
import type ClientScopeRepresentation from '@keycloak/keycloak-admin-client/lib/defs/clientScopeRepresentation.js';
import type ProtocolMapperRepresentation from '@keycloak/keycloak-admin-client/lib/defs/protocolMapperRepresentation.js';
import { badRequest, conflict } from '../../http/errors.js';
import { newClientScope, OIDC } from '../../state/client-scopes.js';
import type { ClientScopeModel, ProtocolMapperModel, RealmModel } from '../../state/model.js';

export const mapperRepresentation = (mapper: ProtocolMapperModel): ProtocolMapperRepresentation => ({
  id: mapper.id,
  name: mapper.name,
  protocol: mapper.protocol,
  protocolMapper: mapper.protocolMapper,
  config: { ...mapper.config },
});

/** Config values are strings in Keycloak's model. */
const stringConfig = (config: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries((config ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));

/** A mapper from a request body; 400 without name or type, 409 when the owner has one of that name. */
export const mapperFromRepresentation = (
  rep: ProtocolMapperRepresentation,
  existing: ProtocolMapperModel[],
): ProtocolMapperModel => {
  if (!rep || typeof rep.name !== 'string' || !rep.name || typeof rep.protocolMapper !== 'string')
    throw badRequest('Protocol mapper name and type are required');
  if (existing.some((m) => m.name === rep.name && m.id !== rep.id))
    throw conflict(`Protocol mapper exists with same name`);
  return {
    id: typeof rep.id === 'string' && rep.id ? rep.id : randomUUID(),
    name: rep.name,
    protocol: rep.protocol ?? OIDC,
    protocolMapper: rep.protocolMapper,
    config: stringConfig(rep.config),
  };
};

export const clientScopeRepresentation = (scope: ClientScopeModel): ClientScopeRepresentation => ({
  id: scope.id,
  name: scope.name,
  ...(scope.description !== undefined ? { description: scope.description } : {}),
  protocol: scope.protocol,
  attributes: { ...scope.attributes },
  ...(scope.protocolMappers.length > 0 ? { protocolMappers: scope.protocolMappers.map(mapperRepresentation) } : {}),
});

/** Applies the fields a PUT or POST carries. */
export const applyClientScopeRepresentation = (scope: ClientScopeModel, rep: ClientScopeRepresentation): void => {
  if (typeof rep.name === 'string') scope.name = rep.name;
  if (rep.description !== undefined) scope.description = rep.description;
  if (typeof rep.protocol === 'string') scope.protocol = rep.protocol;
  if (rep.attributes !== undefined) scope.attributes = stringConfig(rep.attributes);
};

/**
 * A realm export's `clientScopes` replace the built-in ones, and its `defaultDefaultClientScopes` /
 * `defaultOptionalClientScopes` name the realm's lists (RealmManager.importRealm creates the built-in
 * scopes only when the export has none).
 */
export const importClientScopes = (realm: RealmModel, rep: Record<string, unknown>): void => {
  if (Array.isArray(rep.clientScopes)) {
    realm.clientScopes.clear();
    for (const scopeRep of rep.clientScopes as ClientScopeRepresentation[]) {
      if (typeof scopeRep?.name !== 'string') continue;
      const scope = newClientScope({ name: scopeRep.name, ...(scopeRep.id ? { id: scopeRep.id } : {}) });
      applyClientScopeRepresentation(scope, scopeRep);
      for (const mapper of scopeRep.protocolMappers ?? [])
        scope.protocolMappers.push(mapperFromRepresentation(mapper, scope.protocolMappers));
      realm.clientScopes.set(scope.id, scope);
    }
  }
  const names = (value: unknown) => (Array.isArray(value) ? value.filter((n) => typeof n === 'string') : undefined);
  realm.defaultDefaultClientScopes = names(rep.defaultDefaultClientScopes) ?? realm.defaultDefaultClientScopes;
  realm.defaultOptionalClientScopes = names(rep.defaultOptionalClientScopes) ?? realm.defaultOptionalClientScopes;
};
