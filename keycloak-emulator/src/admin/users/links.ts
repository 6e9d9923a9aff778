/**
 * A user's consents, offline sessions and identity-provider links (UserResource). The emulator asks for no
 * consent and has no identity providers: the consents list holds the clients with offline tokens ("Offline
 * Token" grant), and removing one revokes them (UserConsentManager#revokeConsentToClient).
 */
import { type Request, type Response, Router } from 'express';
import { notFound } from '../../http/errors.js';
import { offlineSessionsOf, revokeOfflineTokens } from '../../oidc/offline-sessions.js';
import type { RealmModel, UserModel } from '../../state/model.js';
import { clientByClientId } from '../../state/store.js';
import { adminContext } from '../context.js';
import { userFor } from './route-context.js';
import { sessionRepresentation } from './sessions.js';

/** UserResource#getConsents for a client known only by its offline token: no scopes, no dates. */
const offlineConsents = (realm: RealmModel, user: UserModel) => {
  const clientIds = new Set(offlineSessionsOf(realm, user.id).flatMap((s) => [...s.clients.keys()]));
  return [...clientIds].map((clientId) => ({
    clientId,
    grantedClientScopes: [],
    createdDate: null,
    lastUpdatedDate: null,
    additionalGrants: [{ client: clientByClientId(realm, clientId)?.id ?? clientId, key: 'Offline Token' }],
  }));
};

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
    const { ctx, user } = viewedUser(req, res);
    res.json(offlineConsents(ctx.realm, user));
  });
  // The client by clientId first (404 "Client not found"), then its offline tokens; no consent to revoke.
  router.delete('/:id/consents/:clientId', (req, res) => {
    const { ctx, user } = managedUser(req, res);
    const client = clientByClientId(ctx.realm, String(req.params.clientId));
    if (!client) throw notFound('Client not found');
    if (!revokeOfflineTokens(ctx.realm, user.id, client.clientId))
      throw notFound('Consent nor offline token not found');
    ctx.event({
      operationType: 'ACTION',
      resourceType: 'USER',
      resourcePath: `users/${user.id}/consents/${client.clientId}`,
    });
    res.status(204).end();
  });
  // The offline sessions holding a token of this client; lastAccess is that client's (UserResource).
  router.get('/:id/offline-sessions/:clientUuid', (req, res) => {
    const { ctx, user } = viewedUser(req, res);
    const client = ctx.realm.clients.get(String(req.params.clientUuid));
    if (!client) throw notFound('Client not found');
    const sessions = offlineSessionsOf(ctx.realm, user.id).filter((s) => s.clients.has(client.clientId));
    res.json(
      sessions.map((s) => ({
        ...sessionRepresentation(ctx.realm, user, s),
        lastAccess: s.clients.get(client.clientId),
      })),
    );
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
