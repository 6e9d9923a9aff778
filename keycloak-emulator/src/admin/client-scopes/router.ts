/**
 * Client scopes (`~/client-scopes`: list, create, read, update, delete, with their protocol mappers and
 * scope mappings) and the realm's default and optional scope lists (`~/default-default-client-scopes`,
 * `~/default-optional-client-scopes`), as ClientScopesResource and RealmAdminResource answer them.
 */
import type ClientScopeRepresentation from '@keycloak/keycloak-admin-client/lib/defs/clientScopeRepresentation.js';
import { type Request, type Response, Router } from 'express';
import { conflict, KeycloakHttpError, notFound } from '../../http/errors.js';
import { clientScopeByName, newClientScope } from '../../state/client-scopes.js';
import type { ClientScopeModel, RealmModel } from '../../state/model.js';
import { type AdminContext, adminContext } from '../context.js';
import { roleMappingsRouter } from '../roles/mappings.js';
import { answerCreated } from '../route-helpers.js';
import { protocolMappersRouter } from './protocol-mappers.js';
import { applyClientScopeRepresentation, clientScopeRepresentation } from './representation.js';

export const clientScopeOf = (ctx: AdminContext, id: string): ClientScopeModel => {
  const scope = ctx.realm.clientScopes.get(id);
  if (!scope) throw notFound('Could not find client scope');
  return scope;
};

const viewScopes = (ctx: AdminContext) => ctx.require('view-clients', 'manage-clients');
const manageScopes = (ctx: AdminContext) => ctx.require('manage-clients');

/** Renames or removes a scope in every list that names it (realm defaults and each client's). */
const renameInLists = (realm: RealmModel, from: string, to: string | undefined) => {
  const lists = [realm.defaultDefaultClientScopes, realm.defaultOptionalClientScopes];
  for (const client of realm.clients.values()) lists.push(client.defaultClientScopes, client.optionalClientScopes);
  for (const list of lists) {
    const index = list.indexOf(from);
    if (index < 0) continue;
    if (to === undefined) list.splice(index, 1);
    else list[index] = to;
  }
};

/** Scope names are scope tokens: printable ASCII without space, `"` or `\` (ClientScopeResource). */
const SCOPE_NAME = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

const requireScopeName = (name: unknown): string => {
  if (typeof name !== 'string' || !SCOPE_NAME.test(name))
    throw new KeycloakHttpError(400, { errorMessage: `Unexpected name "${String(name)}" for ClientScope` });
  return name;
};

const createScope = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  manageScopes(ctx);
  const rep = (req.body ?? {}) as ClientScopeRepresentation;
  const name = requireScopeName(rep.name);
  if (clientScopeByName(ctx.realm, name)) throw conflict(`Client Scope ${name} already exists`);
  const scope = newClientScope({ name });
  applyClientScopeRepresentation(scope, rep);
  ctx.realm.clientScopes.set(scope.id, scope);
  ctx.event({
    operationType: 'CREATE',
    resourceType: 'CLIENT_SCOPE',
    resourcePath: `client-scopes/${scope.id}`,
    representation: rep,
  });
  answerCreated(req, res, ctx.realm.name, `client-scopes/${scope.id}`);
};

const updateScope = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  manageScopes(ctx);
  const scope = clientScopeOf(ctx, String(req.params.id));
  const rep = (req.body ?? {}) as ClientScopeRepresentation;
  if (rep.name !== undefined) requireScopeName(rep.name);
  if (rep.name !== undefined && rep.name !== scope.name) {
    if (clientScopeByName(ctx.realm, rep.name)) throw conflict(`Client Scope ${rep.name} already exists`);
    renameInLists(ctx.realm, scope.name, rep.name);
  }
  applyClientScopeRepresentation(scope, rep);
  ctx.event({
    operationType: 'UPDATE',
    resourceType: 'CLIENT_SCOPE',
    resourcePath: `client-scopes/${scope.id}`,
    representation: rep,
  });
  res.status(204).end();
};

const deleteScope = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  manageScopes(ctx);
  const scope = clientScopeOf(ctx, String(req.params.id));
  if (ctx.realm.clientScopes.size <= 1)
    throw new KeycloakHttpError(403, { errorMessage: 'You are not allowed to delete all the client scopes.' });
  ctx.realm.clientScopes.delete(scope.id);
  renameInLists(ctx.realm, scope.name, undefined);
  ctx.event({ operationType: 'DELETE', resourceType: 'CLIENT_SCOPE', resourcePath: `client-scopes/${scope.id}` });
  res.status(204).end();
};

export const clientScopesRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  router.get('/', (_req, res) => {
    const ctx = adminContext(res);
    viewScopes(ctx);
    res.json([...ctx.realm.clientScopes.values()].map(clientScopeRepresentation));
  });
  router.post('/', createScope);
  router.get('/:id', (req, res) => {
    const ctx = adminContext(res);
    viewScopes(ctx);
    res.json(clientScopeRepresentation(clientScopeOf(ctx, String(req.params.id))));
  });
  router.put('/:id', updateScope);
  router.delete('/:id', deleteScope);
  router.use(
    '/:id/protocol-mappers',
    protocolMappersRouter((ctx, req) => {
      const scope = clientScopeOf(ctx, String(req.params.id));
      return { mappers: scope.protocolMappers, path: `client-scopes/${scope.id}` };
    }),
  );
  router.use(
    '/:id/scope-mappings',
    roleMappingsRouter((ctx, req) => {
      const scope = clientScopeOf(ctx, String(req.params.id));
      return {
        holder: scope.scopeMappings,
        inheritsFrom: [],
        path: `client-scopes/${scope.id}/scope-mappings`,
        scopeMapping: true,
        requireView: viewScopes,
        requireMap: manageScopes,
      };
    }),
  );
  return router;
};

/** Brief scopes as the default-scope lists answer them: `{id, name}`. */
export const briefScopes = (realm: RealmModel, names: string[]) =>
  names
    .map((name) => clientScopeByName(realm, name))
    .filter((s): s is ClientScopeModel => Boolean(s))
    .map((s) => ({ id: s.id, name: s.name }));

/** A list of scope names edited by scope id (`PUT|DELETE .../{clientScopeId}`); a scope is in one list at most. */
export interface ScopeLists {
  own: string[];
  other: string[];
}

export const linkScope = (ctx: AdminContext, lists: ScopeLists, id: string, add: boolean) => {
  const scope = clientScopeOf(ctx, id);
  const index = lists.own.indexOf(scope.name);
  if (add) {
    if (lists.other.includes(scope.name)) lists.other.splice(lists.other.indexOf(scope.name), 1);
    if (index < 0) lists.own.push(scope.name);
  } else if (index >= 0) lists.own.splice(index, 1);
  return scope;
};

/** `~/default-default-client-scopes` and `~/default-optional-client-scopes`. */
export const realmDefaultScopesRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  const route = (path: string, listsOf: (realm: RealmModel) => ScopeLists) => {
    router.get(path, (_req, res) => {
      const ctx = adminContext(res);
      viewScopes(ctx);
      res.json(briefScopes(ctx.realm, listsOf(ctx.realm).own));
    });
    const change = (add: boolean) => (req: Request, res: Response) => {
      const ctx = adminContext(res);
      ctx.require('manage-realm');
      const scope = linkScope(ctx, listsOf(ctx.realm), String(req.params.scopeId), add);
      ctx.event({
        operationType: add ? 'CREATE' : 'DELETE',
        resourceType: 'CLIENT_SCOPE',
        resourcePath: `${path.slice(1)}/${scope.id}`,
      });
      res.status(204).end();
    };
    router.put(`${path}/:scopeId`, change(true));
    router.delete(`${path}/:scopeId`, change(false));
  };
  route('/default-default-client-scopes', (r) => ({
    own: r.defaultDefaultClientScopes,
    other: r.defaultOptionalClientScopes,
  }));
  route('/default-optional-client-scopes', (r) => ({
    own: r.defaultOptionalClientScopes,
    other: r.defaultDefaultClientScopes,
  }));
  return router;
};
