/**
 * Token claims from protocol mappers, as Keycloak builds them: the client's own mappers plus those of
 * its default client scopes and of the optional scopes the `scope` parameter asks for; each mapper adds
 * its claim to the tokens its `access.token.claim` / `id.token.claim` switches name
 * (AbstractOIDCProtocolMapper, OIDCAttributeMapperHelper, TokenManager).
 */

import { acrClaim } from '../login/loa.js';
import { clientScopeByName, OIDC } from '../state/client-scopes.js';
import type {
  ClientModel,
  ClientScopeModel,
  ProtocolMapperModel,
  RealmModel,
  SessionModel,
  UserModel,
} from '../state/model.js';
import { effectiveRoles, expandComposites } from '../state/roles.js';
import { clientByClientId } from '../state/store.js';
import { authTimeOf } from './user-sessions.js';

export interface ClaimContext {
  realm: RealmModel;
  client: ClientModel;
  user: UserModel;
  session?: SessionModel;
}

export type TokenKind = 'access' | 'id';

type Claims = Record<string, unknown>;

/** The client's default scopes and the optional ones the request names, in the client's order. */
export const appliedScopes = (realm: RealmModel, client: ClientModel, requested: string | undefined) => {
  const asked = new Set((requested ?? '').split(' ').filter(Boolean));
  const names = [...client.defaultClientScopes, ...client.optionalClientScopes.filter((n) => asked.has(n))];
  return names
    .map((name) => clientScopeByName(realm, name))
    .filter((s): s is ClientScopeModel => Boolean(s && s.protocol === OIDC));
};

/** The `scope` claim: `openid` when asked, then every applied scope included in the token scope. */
export const tokenScope = (scopes: ClientScopeModel[], requested: string | undefined) => {
  const openid = (requested ?? '').split(' ').includes('openid') ? ['openid'] : [];
  const names = scopes.filter((s) => s.attributes['include.in.token.scope'] !== 'false').map((s) => s.name);
  return [...openid, ...names].join(' ');
};

/**
 * The roles a token may carry: all effective roles with `fullScopeAllowed`, otherwise those the client
 * and its applied scopes have in their scope mappings (with composites).
 */
export const tokenRoles = (ctx: ClaimContext, scopes: ClientScopeModel[]) => {
  const roles = effectiveRoles(ctx.realm, ctx.user);
  if (ctx.client.fullScopeAllowed) return [...roles.values()];
  const allowed = new Set<string>();
  for (const holder of [ctx.client.scopeMappings, ...scopes.map((s) => s.scopeMappings)]) {
    const ids = [...holder.realmRoleIds, ...[...holder.clientRoleIds.values()].flatMap((set) => [...set])];
    for (const id of expandComposites(ctx.realm, ids).keys()) allowed.add(id);
  }
  // A client's own roles are always in its scope (Keycloak's RoleUtils / TokenManager).
  return [...roles.values()].filter((r) => allowed.has(r.id) || r.containerId === ctx.client.id);
};

/** Sets `a.b.c` (dots escaped as `\.` stay in a name) in a claims object. */
const setClaim = (claims: Claims, path: string, value: unknown) => {
  const parts = path.split(/(?<!\\)\./).map((p) => p.replace(/\\\./g, '.'));
  let target = claims;
  for (const part of parts.slice(0, -1)) {
    if (typeof target[part] !== 'object' || target[part] === null) target[part] = {};
    target = target[part] as Claims;
  }
  target[parts[parts.length - 1] as string] = value;
};

const converted = (value: string, type: string | undefined): unknown => {
  if (type === 'long' || type === 'int') return Number(value);
  if (type === 'boolean') return value === 'true';
  if (type === 'JSON') {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
};

/** A user attribute as Keycloak resolves it: the built-in fields first, then the attributes. */
const userAttribute = (user: UserModel, name: string): string[] => {
  const builtIn: Record<string, string | undefined> = {
    username: user.username,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
  };
  if (name in builtIn) return builtIn[name] === undefined ? [] : [builtIn[name] as string];
  return user.attributes[name] ?? [];
};

/** A UserModel property (`emailVerified`, `username`, `enabled`, ...) by name. */
const userProperty = (user: UserModel, name: string): unknown => (user as unknown as Record<string, unknown>)[name];

/** Sets a claim from string values, honouring `multivalued` and `jsonType.label`. */
const setValues = (claims: Claims, config: Record<string, string>, values: string[]) => {
  const name = config['claim.name'];
  if (!name || values.length === 0) return;
  const typed = values.map((v) => converted(v, config['jsonType.label']));
  setClaim(claims, name, config.multivalued === 'true' ? typed : typed[0]);
};

const addAudience = (claims: Claims, audience: string) => {
  const current = claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (current.includes(audience)) return;
  const next = [...current, audience];
  claims.aud = next.length === 1 ? next[0] : next;
};

/** The `amr` values: the reference values configured on the executions the login completed (AmrUtils). */
const amrValues = (ctx: ClaimContext): string[] => {
  const refs = new Set<string>();
  for (const executionId of ctx.session?.authenticatorsCompleted ?? []) {
    const execution = ctx.realm.executions.get(executionId);
    const config = execution?.authenticatorConfigId
      ? ctx.realm.authenticatorConfigs.get(execution.authenticatorConfigId)
      : undefined;
    const value = config?.config['default.reference.value'];
    // AmrUtils.isAmrValid: a value counts for `default.reference.maxAge` seconds (default 0) after the step.
    const at = ctx.session?.authenticatorsCompletedAt?.[executionId];
    const maxAge = Number(config?.config['default.reference.maxAge'] ?? '0');
    const valid = at === undefined || (Number.isFinite(maxAge) && at + maxAge >= Math.floor(Date.now() / 1000));
    if (value && valid) refs.add(value);
  }
  return [...refs];
};

interface MapperInput {
  ctx: ClaimContext;
  roles: ReturnType<typeof tokenRoles>;
  claims: Claims;
  config: Record<string, string>;
}

const roleNames = (input: MapperInput, wanted: (clientUuid: string | undefined) => boolean) =>
  input.roles
    .filter((r) => wanted(r.clientRole ? r.containerId : undefined))
    .map((r) => (input.config['usermodel.realmRoleMapping.rolePrefix'] ?? '') + r.name)
    .sort();

const clientRoleClaims = (input: MapperInput) => {
  const only = input.config['usermodel.clientRoleMapping.clientId'];
  const byClient = new Map<string, string[]>();
  for (const role of input.roles) {
    if (!role.clientRole) continue;
    const client = input.ctx.realm.clients.get(role.containerId);
    if (!client || (only && client.clientId !== only)) continue;
    const prefix = input.config['usermodel.clientRoleMapping.rolePrefix'] ?? '';
    byClient.set(client.clientId, [...(byClient.get(client.clientId) ?? []), prefix + role.name]);
  }
  const template = input.config['claim.name'] ?? 'resource_access.${client_id}.roles';
  for (const [clientId, names] of byClient) {
    setClaim(input.claims, template.replace('${client_id}', clientId.replace(/\./g, '\\.')), names.sort());
  }
};

/** What each supported mapper type adds. Unknown types add nothing (listed as not emulated). */
const MAPPERS: Record<string, (input: MapperInput) => void> = {
  'oidc-usermodel-attribute-mapper': (i) =>
    setValues(i.claims, i.config, userAttribute(i.ctx.user, i.config['user.attribute'] ?? '')),
  'oidc-usermodel-property-mapper': (i) => {
    const value = userProperty(i.ctx.user, i.config['user.attribute'] ?? '');
    if (value !== undefined && value !== null) setValues(i.claims, i.config, [String(value)]);
  },
  'oidc-full-name-mapper': (i) => {
    const name = [i.ctx.user.firstName, i.ctx.user.lastName].filter(Boolean).join(' ');
    if (name) i.claims.name = name;
  },
  'oidc-hardcoded-claim-mapper': (i) => setValues(i.claims, i.config, [i.config['claim.value'] ?? '']),
  'oidc-usermodel-realm-role-mapper': (i) => {
    const names = roleNames(i, (clientUuid) => clientUuid === undefined);
    if (names.length > 0) setClaim(i.claims, i.config['claim.name'] ?? 'realm_access.roles', names);
  },
  'oidc-usermodel-client-role-mapper': clientRoleClaims,
  'oidc-audience-resolve-mapper': (i) => {
    for (const role of i.roles) {
      const client = role.clientRole ? i.ctx.realm.clients.get(role.containerId) : undefined;
      if (client && client.id !== i.ctx.client.id) addAudience(i.claims, client.clientId);
    }
  },
  'oidc-audience-mapper': (i) => {
    const clientId = i.config['included.client.audience'];
    if (clientId && clientByClientId(i.ctx.realm, clientId)) addAudience(i.claims, clientId);
    const custom = i.config['included.custom.audience'];
    if (custom) addAudience(i.claims, custom);
  },
  'oidc-allowed-origins-mapper': (i) => {
    if (i.ctx.client.webOrigins.length > 0) i.claims['allowed-origins'] = [...i.ctx.client.webOrigins];
  },
  'oidc-acr-mapper': (i) => {
    i.claims.acr = acrClaim(i.ctx.realm, i.ctx.client, i.ctx.session);
  },
  'oidc-amr-mapper': (i) => {
    i.claims.amr = amrValues(i.ctx);
  },
  'oidc-usersessionmodel-note-mapper': (i) => {
    if (i.config['user.session.note'] === 'AUTH_TIME' && i.ctx.session)
      setValues(i.claims, i.config, [String(Math.floor(authTimeOf(i.ctx.session) / 1000))]);
  },
  'oidc-sub-mapper': (i) => {
    i.claims.sub = i.ctx.user.id;
  },
};

const CONFIG_SWITCH: Record<TokenKind, string> = { access: 'access.token.claim', id: 'id.token.claim' };

/** Adds the claims of every applicable mapper to a token being built. */
export const applyMappers = (ctx: ClaimContext, scopes: ClientScopeModel[], kind: TokenKind, claims: Claims) => {
  const roles = tokenRoles(ctx, scopes);
  const mappers: ProtocolMapperModel[] = [...scopes.flatMap((s) => s.protocolMappers), ...ctx.client.protocolMappers];
  for (const mapper of mappers) {
    if (mapper.protocol !== OIDC || mapper.config[CONFIG_SWITCH[kind]] !== 'true') continue;
    MAPPERS[mapper.protocolMapper]?.({ ctx, roles, claims, config: mapper.config });
  }
  return claims;
};
