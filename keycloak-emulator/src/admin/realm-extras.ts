/**
 * Realm routes the admin client calls beyond settings (RealmAdminResource): `partial-export`,
 * `default-groups`, `keys`, `logout-all`, `push-revocation`, `client-session-stats` and
 * `users-management-permissions`, with Keycloak's permission checks.
 */
import { type Request, type Response, Router } from 'express';
import { KeycloakHttpError, notFound } from '../http/errors.js';
import { realmKeys } from '../oidc/keys.js';
import type { RealmModel } from '../state/model.js';
import { clientScopeRepresentation } from './client-scopes/representation.js';
import { clientRepresentation } from './clients.js';
import { adminContext } from './context.js';
import { groupPath, groupRepresentation, membershipRepresentation } from './groups/representation.js';
import { realmRepresentation } from './realm-representation.js';
import { roleRepresentation } from './roles/model.js';

/** Secrets leave a partial export masked, as Keycloak's ExportUtils masks them. */
const MASK = '**********';

const exportedRoles = (realm: RealmModel) => ({
  realm: [...realm.roles.values()].map((r) => roleRepresentation(r)),
  client: Object.fromEntries(
    [...realm.clients.values()]
      .filter((c) => c.roles.size > 0)
      .map((c) => [c.clientId, [...c.roles.values()].map((r) => roleRepresentation(r))]),
  ),
});

const partialExport = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  ctx.require('view-realm', 'manage-realm');
  const withClients = req.query.exportClients === 'true';
  const withGroupsAndRoles = req.query.exportGroupsAndRoles === 'true';
  if (withClients) ctx.require('view-clients', 'manage-clients');
  if (withGroupsAndRoles) ctx.require('view-users', 'manage-users', 'query-groups');
  const realm = ctx.realm;
  res.json({
    ...realmRepresentation(realm),
    clientScopes: [...realm.clientScopes.values()].map(clientScopeRepresentation),
    defaultDefaultClientScopes: [...realm.defaultDefaultClientScopes],
    defaultOptionalClientScopes: [...realm.defaultOptionalClientScopes],
    defaultGroups: [...realm.defaultGroupIds].flatMap((id) => {
      const group = realm.groups.get(id);
      return group ? [groupPath(realm, group)] : [];
    }),
    ...(withClients
      ? {
          clients: [...realm.clients.values()].map((c) => {
            const rep = clientRepresentation(c);
            return rep.secret ? { ...rep, secret: MASK } : rep;
          }),
        }
      : {}),
    ...(withGroupsAndRoles
      ? {
          roles: exportedRoles(realm),
          groups: [...realm.groups.values()]
            .filter((g) => !g.parentId)
            .map((g) => groupRepresentation(realm, g, false)),
        }
      : {}),
  });
};

const defaultGroupRoutes = (router: Router) => {
  router.get('/default-groups', (_req, res) => {
    const ctx = adminContext(res);
    ctx.require('view-realm', 'manage-realm');
    const groups = [...ctx.realm.defaultGroupIds].flatMap((id) => {
      const group = ctx.realm.groups.get(id);
      return group ? [membershipRepresentation(ctx.realm, group, false)] : [];
    });
    res.json(groups);
  });
  const change = (add: boolean) => (req: Request, res: Response) => {
    const ctx = adminContext(res);
    ctx.require('manage-realm');
    const group = ctx.realm.groups.get(String(req.params.groupId));
    if (!group) throw notFound('Group not found');
    if (add) ctx.realm.defaultGroupIds.add(group.id);
    else ctx.realm.defaultGroupIds.delete(group.id);
    ctx.event({
      operationType: add ? 'CREATE' : 'DELETE',
      resourceType: 'GROUP',
      resourcePath: `default-groups/${group.id}`,
    });
    res.status(204).end();
  };
  router.put('/default-groups/:groupId', change(true));
  router.delete('/default-groups/:groupId', change(false));
};

/** The realm's active keys: the RSA signing key and the HMAC key of refresh tokens. */
const keysMetadata = (realm: RealmModel) => {
  const keys = realmKeys(realm);
  const publicKey = keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return {
    active: { RS256: keys.kid, HS512: keys.hmacKid },
    keys: [
      {
        providerId: 'rsa-generated',
        providerPriority: 100,
        kid: keys.kid,
        status: 'ACTIVE',
        type: 'RSA',
        algorithm: 'RS256',
        publicKey,
        use: 'SIG',
      },
      {
        providerId: 'hmac-generated-hs512',
        providerPriority: 100,
        kid: keys.hmacKid,
        status: 'ACTIVE',
        type: 'OCT',
        algorithm: 'HS512',
        use: 'SIG',
      },
    ],
  };
};

const sessionRoutes = (router: Router) => {
  router.post('/logout-all', (_req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-users');
    ctx.realm.sessions.clear();
    ctx.event({ operationType: 'ACTION', resourceType: 'REALM', resourcePath: 'logout-all' });
    // GlobalRequestResult: no client has an admin URL to push the logout to.
    res.json({});
  });
  // RealmAdminResource.deleteSession: manage-users; an unknown id is 404 with Keycloak's own spelling;
  // `?isOffline=true` names the offline session of that id instead.
  router.delete('/sessions/:session', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-users');
    const sessions = req.query.isOffline === 'true' ? ctx.realm.offlineSessions : ctx.realm.sessions;
    if (!sessions.delete(req.params.session)) {
      res.status(404).json({ error: 'Sesssion not found' });
      return;
    }
    ctx.event({
      operationType: 'DELETE',
      resourceType: 'USER_SESSION',
      resourcePath: `sessions/${req.params.session}`,
    });
    res.status(204).end();
  });
  router.post('/push-revocation', (_req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-realm');
    ctx.event({ operationType: 'ACTION', resourceType: 'REALM', resourcePath: 'push-revocation' });
    res.json({});
  });
  router.get('/client-session-stats', (_req, res) => {
    const ctx = adminContext(res);
    ctx.require('view-realm', 'manage-realm');
    const count = (sessions: Map<string, { clients: Map<string, number> }>) => {
      const counts = new Map<string, number>();
      for (const session of sessions.values())
        for (const clientId of session.clients.keys()) counts.set(clientId, (counts.get(clientId) ?? 0) + 1);
      return counts;
    };
    const active = count(ctx.realm.sessions);
    const offline = count(ctx.realm.offlineSessions);
    const stats = [...ctx.realm.clients.values()]
      .filter((c) => active.has(c.clientId) || offline.has(c.clientId))
      .map((c) => ({
        id: c.id,
        clientId: c.clientId,
        active: String(active.get(c.clientId) ?? 0),
        offline: String(offline.get(c.clientId) ?? 0),
      }));
    res.json(stats);
  });
};

export const realmExtrasRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  router.post('/partial-export', partialExport);
  defaultGroupRoutes(router);
  router.get('/keys', (_req, res) => {
    const ctx = adminContext(res);
    ctx.require('view-realm', 'manage-realm');
    res.json(keysMetadata(ctx.realm));
  });
  sessionRoutes(router);
  // Fine-grained admin permissions (v1) are off by default in Keycloak 26: the feature check comes before
  // any permission check and answers 501 (RealmAdminResource, ProfileHelper.requireFeature).
  const featureDisabled = () => {
    throw new KeycloakHttpError(501, { error: 'Feature not enabled' });
  };
  router.get('/users-management-permissions', featureDisabled);
  router.put('/users-management-permissions', featureDisabled);
  return router;
};
