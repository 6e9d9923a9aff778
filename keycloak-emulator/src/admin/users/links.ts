/**
 * A user's consents, offline sessions and identity-provider links (UserResource). The emulator grants no
 * consents, issues no offline tokens and has no identity providers, so the lists are empty and removing
 * one answers Keycloak's 404.
 */
import { type Request, type Response, Router } from 'express';
import { notFound } from '../../http/errors.js';
import { adminContext } from '../context.js';
import { userFor } from './route-context.js';

const viewedUser = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  const user = userFor(ctx, String(req.params.id));
  ctx.require('view-users', 'manage-users');
  return { ctx, user };
};

const managedUser = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  const user = userFor(ctx, String(req.params.id));
  ctx.require('manage-users');
  return { ctx, user };
};

export const userLinksRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  router.get('/:id/consents', (req, res) => {
    viewedUser(req, res);
    res.json([]);
  });
  router.delete('/:id/consents/:clientId', (req, res) => {
    managedUser(req, res);
    throw notFound('Consent nor offline token not found');
  });
  router.get('/:id/offline-sessions/:clientUuid', (req, res) => {
    const { ctx } = viewedUser(req, res);
    if (!ctx.realm.clients.has(String(req.params.clientUuid))) throw notFound('Client not found');
    res.json([]);
  });
  router.get('/:id/federated-identity', (req, res) => {
    viewedUser(req, res);
    res.json([]);
  });
  router.post('/:id/federated-identity/:provider', (req, res) => {
    managedUser(req, res);
    throw notFound('Could not find identity provider');
  });
  router.delete('/:id/federated-identity/:provider', (req, res) => {
    managedUser(req, res);
    throw notFound('Link not found');
  });
  return router;
};
