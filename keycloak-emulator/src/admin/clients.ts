/**
 * Clients: list, create, read, update, delete; client secrets; the service-account user; and the
 * client's roles (the shared role-container routes).
 */
import { randomBytes } from 'node:crypto';
import type ClientRepresentation from '@keycloak/keycloak-admin-client/lib/defs/clientRepresentation.js';
import { type Request, Router } from 'express';
import { badRequest, conflict, notFound } from '../http/errors.js';
import type { ClientModel, ProtocolMapperModel, RealmModel } from '../state/model.js';
import { clientByClientId, indexUser, newClient, newRole, newUser, unindexUser } from '../state/store.js';
import { clientScopeLinksRouter } from './client-scopes/client-links.js';
import { mapperFromRepresentation, mapperRepresentation } from './client-scopes/representation.js';
import { type AdminContext, adminContext } from './context.js';
import { clientRoleContainer, roleContainerRouter } from './roles/container.js';
import { answerCreated, pageOf } from './route-helpers.js';
import { toUserRepresentation } from './users/representation.js';

const newSecret = () => randomBytes(24).toString('base64url');

const confidential = (client: ClientModel) => !client.publicClient && !client.bearerOnly;

export const clientRepresentation = (client: ClientModel, ctx?: AdminContext): ClientRepresentation => ({
  id: client.id,
  clientId: client.clientId,
  ...(client.name !== undefined ? { name: client.name } : {}),
  ...(client.description !== undefined ? { description: client.description } : {}),
  ...(client.rootUrl !== undefined ? { rootUrl: client.rootUrl } : {}),
  ...(client.adminUrl !== undefined ? { adminUrl: client.adminUrl } : {}),
  ...(client.baseUrl !== undefined ? { baseUrl: client.baseUrl } : {}),
  surrogateAuthRequired: client.surrogateAuthRequired,
  enabled: client.enabled,
  alwaysDisplayInConsole: client.alwaysDisplayInConsole,
  clientAuthenticatorType: client.clientAuthenticatorType,
  ...(confidential(client) && client.secret ? { secret: client.secret } : {}),
  redirectUris: [...client.redirectUris],
  webOrigins: [...client.webOrigins],
  notBefore: client.notBefore,
  bearerOnly: client.bearerOnly,
  consentRequired: client.consentRequired,
  standardFlowEnabled: client.standardFlowEnabled,
  implicitFlowEnabled: client.implicitFlowEnabled,
  directAccessGrantsEnabled: client.directAccessGrantsEnabled,
  serviceAccountsEnabled: client.serviceAccountsEnabled,
  publicClient: client.publicClient,
  frontchannelLogout: client.frontchannelLogout,
  protocol: client.protocol,
  attributes: { ...client.attributes },
  authenticationFlowBindingOverrides: {},
  fullScopeAllowed: client.fullScopeAllowed,
  nodeReRegistrationTimeout: client.nodeReRegistrationTimeout,
  defaultClientScopes: [...client.defaultClientScopes],
  optionalClientScopes: [...client.optionalClientScopes],
  ...(client.protocolMappers.length > 0 ? { protocolMappers: client.protocolMappers.map(mapperRepresentation) } : {}),
  ...(ctx
    ? {
        access: {
          view: ctx.canAny('view-clients', 'manage-clients'),
          configure: ctx.can('manage-clients'),
          manage: ctx.can('manage-clients'),
        },
      }
    : {}),
});

/** Gives a client with service accounts its `service-account-<clientId>` user (once). */
const ensureServiceAccount = (realm: RealmModel, client: ClientModel) => {
  if (!client.serviceAccountsEnabled || client.serviceAccountUserId) return;
  const user = newUser({
    username: `service-account-${client.clientId}`.toLowerCase(),
    enabled: true,
    serviceAccountClientId: client.id,
  });
  const defaultRole = realm.roles.get(`default-roles-${realm.name}`);
  if (defaultRole) user.realmRoleIds.add(defaultRole.id);
  indexUser(realm, user);
  client.serviceAccountUserId = user.id;
};

const SCALARS = [
  'name',
  'description',
  'rootUrl',
  'adminUrl',
  'baseUrl',
  'surrogateAuthRequired',
  'enabled',
  'alwaysDisplayInConsole',
  'clientAuthenticatorType',
  'bearerOnly',
  'consentRequired',
  'standardFlowEnabled',
  'implicitFlowEnabled',
  'directAccessGrantsEnabled',
  'serviceAccountsEnabled',
  'publicClient',
  'frontchannelLogout',
  'protocol',
  'fullScopeAllowed',
  'nodeReRegistrationTimeout',
] as const;

const applyRepresentation = (realm: RealmModel, client: ClientModel, rep: ClientRepresentation) => {
  const target = client as unknown as Record<string, unknown>;
  for (const key of SCALARS) if (rep[key] !== undefined) target[key] = rep[key];
  if (rep.redirectUris !== undefined) client.redirectUris = [...rep.redirectUris];
  if (rep.webOrigins !== undefined) client.webOrigins = [...rep.webOrigins];
  if (rep.attributes !== undefined)
    client.attributes = { ...client.attributes, ...(rep.attributes as Record<string, string>) };
  if (rep.defaultClientScopes !== undefined) client.defaultClientScopes = [...rep.defaultClientScopes];
  if (rep.optionalClientScopes !== undefined) client.optionalClientScopes = [...rep.optionalClientScopes];
  if (rep.protocolMappers !== undefined) {
    const mappers: ProtocolMapperModel[] = [];
    for (const mapper of rep.protocolMappers) mappers.push(mapperFromRepresentation(mapper, mappers));
    client.protocolMappers = mappers;
  }
  if (rep.secret !== undefined && confidential(client)) client.secret = rep.secret;
  if (confidential(client) && !client.secret) client.secret = newSecret();
  ensureServiceAccount(realm, client);
};

/** Creates a client (and its service-account user, secret, roles) from a ClientRepresentation. Throws 409 on a duplicate clientId. */
export const createClientFromRepresentation = (realm: RealmModel, rep: ClientRepresentation): ClientModel => {
  if (!rep || typeof rep !== 'object' || !rep.clientId) throw badRequest('Client id is required');
  if (clientByClientId(realm, rep.clientId)) throw conflict(`Client ${rep.clientId} already exists`);
  const client = newClient({
    clientId: rep.clientId,
    ...(rep.id ? { id: rep.id } : {}),
    // A new client gets the realm's default and optional client scopes (Keycloak's ClientManager).
    defaultClientScopes: [...realm.defaultDefaultClientScopes],
    optionalClientScopes: [...realm.defaultOptionalClientScopes],
    attributes: {
      realm_client: 'false',
      'oidc.ciba.grant.enabled': 'false',
      'backchannel.logout.session.required': 'true',
      'post.logout.redirect.uris': '+',
    },
  });
  applyRepresentation(realm, client, rep);
  realm.clients.set(client.id, client);
  for (const role of (rep as { roles?: { name: string; description?: string }[] }).roles ?? []) {
    if (!client.roles.has(role.name))
      client.roles.set(role.name, newRole(role.name, client.id, true, role.description));
  }
  return client;
};

const clientOf = (ctx: AdminContext, req: Request) => {
  const client = ctx.realm.clients.get(String(req.params.id));
  if (!client) throw notFound('Could not find client');
  return client;
};

export const clientsRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });

  router.get('/', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('query-clients', 'view-clients', 'manage-clients');
    const wanted = typeof req.query.clientId === 'string' ? req.query.clientId : undefined;
    const infix = req.query.search === 'true';
    const matching = [...ctx.realm.clients.values()]
      .filter(
        (c) => !wanted || (infix ? c.clientId.toLowerCase().includes(wanted.toLowerCase()) : c.clientId === wanted),
      )
      .sort((a, b) => a.clientId.localeCompare(b.clientId));
    const clients = pageOf(req, matching, 100);
    const full = ctx.canAny('view-clients', 'manage-clients');
    res.json(clients.map((c) => (full ? clientRepresentation(c, ctx) : { id: c.id, clientId: c.clientId })));
  });

  router.post('/', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-clients', 'create-client');
    const rep = req.body as ClientRepresentation;
    const client = createClientFromRepresentation(ctx.realm, { ...rep, id: undefined });
    ctx.event({
      operationType: 'CREATE',
      resourceType: 'CLIENT',
      resourcePath: `clients/${client.id}`,
      representation: rep,
    });
    answerCreated(req, res, ctx.realm.name, `clients/${client.id}`);
  });

  router.get('/:id', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('view-clients', 'manage-clients');
    res.json(clientRepresentation(clientOf(ctx, req), ctx));
  });

  router.put('/:id', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-clients');
    const client = clientOf(ctx, req);
    const rep = (req.body ?? {}) as ClientRepresentation;
    if (rep.clientId && rep.clientId !== client.clientId) {
      if (clientByClientId(ctx.realm, rep.clientId)) throw conflict(`Client ${rep.clientId} already exists`);
      client.clientId = rep.clientId;
    }
    applyRepresentation(ctx.realm, client, rep);
    ctx.event({
      operationType: 'UPDATE',
      resourceType: 'CLIENT',
      resourcePath: `clients/${client.id}`,
      representation: rep,
    });
    res.status(204).end();
  });

  router.delete('/:id', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-clients');
    const client = clientOf(ctx, req);
    const account = client.serviceAccountUserId ? ctx.realm.users.get(client.serviceAccountUserId) : undefined;
    if (account) unindexUser(ctx.realm, account);
    ctx.realm.clients.delete(client.id);
    const scopeHolders = [...ctx.realm.clients.values(), ...ctx.realm.clientScopes.values()].map(
      (h) => h.scopeMappings,
    );
    for (const holder of [...ctx.realm.users.values(), ...ctx.realm.groups.values(), ...scopeHolders])
      holder.clientRoleIds.delete(client.id);
    ctx.event({ operationType: 'DELETE', resourceType: 'CLIENT', resourcePath: `clients/${client.id}` });
    res.status(204).end();
  });

  router.get('/:id/client-secret', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('view-clients', 'manage-clients');
    const client = clientOf(ctx, req);
    res.json({ type: 'secret', ...(confidential(client) && client.secret ? { value: client.secret } : {}) });
  });

  router.post('/:id/client-secret', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-clients');
    const client = clientOf(ctx, req);
    client.secret = newSecret();
    ctx.event({ operationType: 'ACTION', resourceType: 'CLIENT', resourcePath: `clients/${client.id}/client-secret` });
    res.json({ type: 'secret', value: client.secret });
  });

  router.get('/:id/service-account-user', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('view-clients', 'manage-clients');
    const client = clientOf(ctx, req);
    const user = client.serviceAccountUserId ? ctx.realm.users.get(client.serviceAccountUserId) : undefined;
    if (!user) throw badRequest('Service account not enabled for the client');
    res.json(toUserRepresentation(ctx.realm, user));
  });

  router.use('/', clientScopeLinksRouter());
  router.use(
    '/:id/roles',
    roleContainerRouter((ctx, req) => clientRoleContainer(clientOf(ctx, req))),
  );

  return router;
};
