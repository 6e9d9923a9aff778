/**
 * A client's scope links, protocol mappers and scope mappings (`clients/{id}/default-client-scopes`,
 * `/optional-client-scopes`, `/protocol-mappers`, `/scope-mappings`), as ClientResource answers them.
 */
import { type Request, type Response, Router } from 'express';
import { notFound } from '../../http/errors.js';
import type { ClientModel } from '../../state/model.js';
import { type AdminContext, adminContext } from '../context.js';
import { roleMappingsRouter } from '../roles/mappings.js';
import { protocolMappersRouter } from './protocol-mappers.js';
import { briefScopes, linkScope, type ScopeLists } from './router.js';

const clientOf = (ctx: AdminContext, req: Request): ClientModel => {
  const client = ctx.realm.clients.get(String(req.params.id));
  if (!client) throw notFound('Could not find client');
  return client;
};

const scopeListRoutes = (router: Router, kind: 'default' | 'optional') => {
  const lists = (client: ClientModel): ScopeLists =>
    kind === 'default'
      ? { own: client.defaultClientScopes, other: client.optionalClientScopes }
      : { own: client.optionalClientScopes, other: client.defaultClientScopes };
  const path = `/:id/${kind}-client-scopes`;
  router.get(path, (req, res) => {
    const ctx = adminContext(res);
    ctx.require('view-clients', 'manage-clients');
    res.json(briefScopes(ctx.realm, lists(clientOf(ctx, req)).own));
  });
  const change = (add: boolean) => (req: Request, res: Response) => {
    const ctx = adminContext(res);
    ctx.require('manage-clients');
    const client = clientOf(ctx, req);
    const scope = linkScope(ctx, lists(client), String(req.params.scopeId), add);
    ctx.event({
      operationType: 'UPDATE',
      resourceType: 'CLIENT',
      resourcePath: `clients/${client.id}/${kind}-client-scopes/${scope.id}`,
    });
    res.status(204).end();
  };
  router.put(`${path}/:scopeId`, change(true));
  router.delete(`${path}/:scopeId`, change(false));
};

/** Mounted by the clients router under `/clients`. */
export const clientScopeLinksRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  scopeListRoutes(router, 'default');
  scopeListRoutes(router, 'optional');
  router.use(
    '/:id/protocol-mappers',
    protocolMappersRouter((ctx, req) => {
      const client = clientOf(ctx, req);
      return { mappers: client.protocolMappers, path: `clients/${client.id}` };
    }),
  );
  router.use(
    '/:id/scope-mappings',
    roleMappingsRouter((ctx, req) => {
      const client = clientOf(ctx, req);
      return {
        holder: client.scopeMappings,
        inheritsFrom: [],
        path: `clients/${client.id}/scope-mappings`,
        scopeMapping: true,
        requireView: (c) => c.require('view-clients', 'manage-clients'),
        requireMap: (c) => c.require('manage-clients'),
      };
    }),
  );
  return router;
};
