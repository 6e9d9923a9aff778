/**
 * `/admin/realms/{realm}/users`: list, count, create, read, update, delete; the user profile;
 * credentials (list, delete, rename, reorder); logout, password reset, sessions; and the emails with
 * action links (execute-actions, verify-email).
 */
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import { type Request, type Response, Router } from 'express';
import { badRequest, forbidden, KeycloakHttpError, notFound } from '../../http/errors.js';
import { redirectUriAllowed } from '../../login/redirect.js';
import { baseUrlOf } from '../../oidc/routes.js';
import { newPasswordCredential } from '../../state/credentials.js';
import type { RealmModel, UserModel } from '../../state/model.js';
import { clientByClientId, indexUser, unindexUser } from '../../state/store.js';
import { type AdminContext, adminContext } from '../context.js';
import {
  addCredentials,
  checkUnique,
  createUserFromRepresentation,
  profileAttributes,
  registeredActions,
  toUserRepresentation,
  validateEmail,
} from './representation.js';
import { countUsers, findUsers, type UserQuery } from './search.js';

const bool = (value: unknown): boolean | undefined => (value === undefined ? undefined : String(value) === 'true');
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const userQuery = (req: Request): UserQuery => ({
  search: str(req.query.search),
  username: str(req.query.username),
  email: str(req.query.email),
  firstName: str(req.query.firstName),
  lastName: str(req.query.lastName),
  exact: bool(req.query.exact),
  enabled: bool(req.query.enabled),
  emailVerified: bool(req.query.emailVerified),
  q: str(req.query.q),
});

const intParam = (value: unknown, fallback: number) => {
  const n = Number(value);
  return value === undefined || !Number.isFinite(n) || n < 0 ? fallback : Math.floor(n);
};

/** The user a path names. Unknown ids answer 404 only to callers who may query users (no probing). */
export const userFor = (ctx: AdminContext, id: string): UserModel => {
  const user = ctx.realm.users.get(id);
  if (user) return user;
  if (ctx.can('query-users')) throw notFound('User not found');
  throw forbidden();
};

const fullAccess = (ctx: AdminContext) => {
  const manage = ctx.can('manage-users');
  return {
    view: manage || ctx.can('view-users'),
    manage,
    mapRoles: manage,
    manageGroupMembership: manage,
    impersonate: ctx.can('impersonation'),
    resetPassword: manage,
  };
};

const body = (req: Request): Record<string, unknown> => {
  if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body))
    throw badRequest('Invalid user representation');
  return req.body as Record<string, unknown>;
};

/** Applies a UserRepresentation the way Keycloak's PUT does: only the fields present change. */
const updateUser = (realm: RealmModel, user: UserModel, rep: UserRepresentation) => {
  const email = rep.email === undefined ? user.email : rep.email ? rep.email.trim().toLowerCase() : undefined;
  let username = user.username;
  if (typeof rep.username === 'string' && rep.username.trim().toLowerCase() !== user.username) {
    if (realm.settings.editUsernameAllowed !== true && realm.settings.registrationEmailAsUsername !== true) {
      throw new KeycloakHttpError(400, {
        field: 'username',
        errorMessage: 'error-user-attribute-read-only',
        params: ['username'],
      });
    }
    username = rep.username.trim().toLowerCase();
  }
  validateEmail(email);
  checkUnique(realm, username, email, user);
  unindexUser(realm, user);
  user.username = username;
  if (email !== user.email) {
    user.email = email;
    if (rep.emailVerified === undefined) user.emailVerified = false;
  }
  if (rep.firstName !== undefined) user.firstName = rep.firstName;
  if (rep.lastName !== undefined) user.lastName = rep.lastName;
  if (rep.emailVerified !== undefined) user.emailVerified = rep.emailVerified === true;
  if (rep.enabled !== undefined) {
    if (rep.enabled === true && !user.enabled) realm.bruteForce.delete(user.id);
    user.enabled = rep.enabled === true;
  }
  if (rep.requiredActions !== undefined) user.requiredActions = registeredActions(realm, rep.requiredActions);
  if (rep.attributes !== undefined)
    user.attributes = profileAttributes(realm, rep.attributes as Record<string, unknown>);
  if (rep.federationLink !== undefined) user.federationLink = rep.federationLink;
  addCredentials(user, rep.credentials);
  indexUser(realm, user);
};

const endSessions = (realm: RealmModel, user: UserModel) => {
  for (const [id, session] of realm.sessions) if (session.userId === user.id) realm.sessions.delete(id);
};

const sendActionEmail = async (
  req: Request,
  res: Response,
  kind: 'execute-actions' | 'verify-email',
  actions: string[],
  path: string,
) => {
  const ctx = adminContext(res);
  ctx.require('manage-users');
  const user = userFor(ctx, String(req.params.id));
  const realm = ctx.realm;
  if (!user.email) throw badRequest('User email missing');
  if (!user.enabled) throw badRequest('User is disabled');
  const redirectUri = str(req.query.redirect_uri);
  const clientIdParam = str(req.query.client_id);
  if (redirectUri && !clientIdParam) throw badRequest('Client id missing');
  const clientId = clientIdParam ?? 'account-console';
  const client = clientByClientId(realm, clientId);
  if (!client) throw badRequest("Client doesn't exist");
  if (!client.enabled) throw badRequest('Client is not enabled');
  if (redirectUri && !redirectUriAllowed(client, redirectUri, baseUrlOf(req)))
    throw badRequest('Invalid redirect uri.');
  const lifespanSeconds = intParam(
    req.query.lifespan,
    Number(realm.settings.actionTokenGeneratedByAdminLifespan ?? 43200),
  );
  if (kind === 'execute-actions' && actions.some((a) => !realm.requiredActions.get(a)?.enabled)) {
    throw badRequest('Provided invalid required actions');
  }
  try {
    await ctx.state.actionMailer.send({
      kind,
      realm,
      user,
      actions,
      lifespanSeconds,
      clientId,
      ...(redirectUri ? { redirectUri } : {}),
      baseUrl: baseUrlOf(req),
    });
  } catch (error) {
    const what = kind === 'verify-email' ? 'Failed to send verify email' : 'Failed to send execute actions email';
    throw new KeycloakHttpError(500, { errorMessage: `${what}: ${(error as Error).message}` });
  }
  ctx.event({ operationType: 'ACTION', resourceType: 'USER', resourcePath: `users/${user.id}/${path}` });
  res.status(204).end();
};

export const usersRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });

  router.get('/', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('query-users', 'view-users');
    // With query-users alone Keycloak filters every user out (only fine-grained permissions grant views).
    if (!ctx.can('view-users') && !ctx.can('manage-users')) {
      res.json([]);
      return;
    }
    const brief = bool(req.query.briefRepresentation) === true;
    const users = findUsers(ctx.realm, userQuery(req), intParam(req.query.first, 0), intParam(req.query.max, 100));
    const manage = ctx.can('manage-users');
    res.json(users.map((u) => ({ ...toUserRepresentation(ctx.realm, u, { brief }), access: { manage } })));
  });

  router.get('/count', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('query-users', 'view-users');
    res.json(countUsers(ctx.realm, userQuery(req)));
  });

  router.post('/', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-users');
    const rep = body(req) as UserRepresentation;
    const user = createUserFromRepresentation(ctx.realm, { ...rep, id: undefined }, { imported: false });
    ctx.event({ operationType: 'CREATE', resourceType: 'USER', resourcePath: `users/${user.id}`, representation: rep });
    res
      .status(201)
      .location(`${baseUrlOf(req)}/admin/realms/${encodeURIComponent(ctx.realm.name)}/users/${user.id}`)
      .end();
  });

  router.get('/profile', (_req, res) => {
    const ctx = adminContext(res);
    res.json(ctx.realm.userProfile);
  });

  router.get('/profile/metadata', (_req, res) => {
    const ctx = adminContext(res);
    const attributes = ((ctx.realm.userProfile.attributes ?? []) as Record<string, unknown>[]).map((a) => ({
      name: a.name,
      displayName: a.displayName,
      required: Boolean(a.required),
      readOnly: false,
      validators: a.validations ?? {},
      multivalued: a.multivalued ?? false,
    }));
    res.json({ attributes, groups: ctx.realm.userProfile.groups ?? [] });
  });

  router.put('/profile', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-realm');
    const config = body(req);
    if (!Array.isArray(config.attributes))
      throw badRequest('Invalid user profile configuration: attributes are required');
    ctx.realm.userProfile = structuredClone(config);
    ctx.event({
      operationType: 'UPDATE',
      resourceType: 'USER_PROFILE',
      resourcePath: 'users/profile',
      representation: config,
    });
    res.json(ctx.realm.userProfile);
  });

  router.get('/:id', (req, res) => {
    const ctx = adminContext(res);
    const user = userFor(ctx, req.params.id);
    ctx.require('view-users', 'manage-users');
    res.json({ ...toUserRepresentation(ctx.realm, user), access: fullAccess(ctx) });
  });

  router.put('/:id', (req, res) => {
    const ctx = adminContext(res);
    const user = userFor(ctx, req.params.id);
    ctx.require('manage-users');
    const rep = body(req) as UserRepresentation;
    updateUser(ctx.realm, user, rep);
    ctx.event({ operationType: 'UPDATE', resourceType: 'USER', resourcePath: `users/${user.id}`, representation: rep });
    res.status(204).end();
  });

  router.delete('/:id', (req, res) => {
    const ctx = adminContext(res);
    const user = userFor(ctx, req.params.id);
    ctx.require('manage-users');
    unindexUser(ctx.realm, user);
    endSessions(ctx.realm, user);
    if (user.serviceAccountClientId) {
      const client = ctx.realm.clients.get(user.serviceAccountClientId);
      if (client) delete client.serviceAccountUserId;
    }
    ctx.event({
      operationType: 'DELETE',
      resourceType: 'USER',
      resourcePath: `users/${user.id}`,
      representation: { id: user.id, username: user.username },
    });
    res.status(204).end();
  });

  // ---- credentials ----

  const credentialOf = (user: UserModel, credentialId: string) => {
    const credential = user.credentials.find((c) => c.id === credentialId);
    if (!credential) throw notFound('Credential not found');
    return credential;
  };

  router.get('/:id/credentials', (req, res) => {
    const ctx = adminContext(res);
    const user = userFor(ctx, req.params.id);
    ctx.require('view-users', 'manage-users');
    res.json(
      [...user.credentials]
        .sort((a, b) => a.priority - b.priority)
        .map((c) => ({
          id: c.id,
          type: c.type,
          ...(c.userLabel ? { userLabel: c.userLabel } : {}),
          createdDate: c.createdDate,
          credentialData: c.credentialData,
        })),
    );
  });

  router.delete('/:id/credentials/:credentialId', (req, res) => {
    const ctx = adminContext(res);
    const user = userFor(ctx, req.params.id);
    ctx.require('manage-users');
    const credential = credentialOf(user, req.params.credentialId);
    user.credentials = user.credentials.filter((c) => c !== credential);
    ctx.event({
      operationType: 'ACTION',
      resourceType: 'USER',
      resourcePath: `users/${user.id}/credentials/${credential.id}`,
      details: {
        credential_id: credential.id,
        credential_type: credential.type,
        ...(credential.userLabel ? { credential_user_label: credential.userLabel } : {}),
      },
    });
    res.status(204).end();
  });

  router.put('/:id/credentials/:credentialId/userLabel', (req, res) => {
    const ctx = adminContext(res);
    const user = userFor(ctx, req.params.id);
    ctx.require('manage-users');
    const credential = credentialOf(user, req.params.credentialId);
    const label = typeof req.body === 'string' ? req.body.trim() : '';
    if (!label)
      throw new KeycloakHttpError(400, {
        error: 'missingCredentialLabel',
        error_description: 'Credential label must not be empty',
      });
    credential.userLabel = label;
    res.status(204).end();
  });

  const moveAfter = (user: UserModel, credentialId: string, previousId: string | undefined) => {
    const ordered = [...user.credentials].sort((a, b) => a.priority - b.priority);
    const moving = ordered.find((c) => c.id === credentialId);
    if (!moving) throw notFound('Credential not found');
    const rest = ordered.filter((c) => c !== moving);
    const at = previousId === undefined ? 0 : rest.findIndex((c) => c.id === previousId) + 1;
    if (previousId !== undefined && at === 0) throw notFound('Credential not found');
    rest.splice(at, 0, moving);
    rest.forEach((c, i) => {
      c.priority = (i + 1) * 10;
    });
    user.credentials = rest;
  };

  router.post('/:id/credentials/:credentialId/moveToFirst', (req, res) => {
    const ctx = adminContext(res);
    const user = userFor(ctx, req.params.id);
    ctx.require('manage-users');
    moveAfter(user, req.params.credentialId, undefined);
    res.status(204).end();
  });

  router.post('/:id/credentials/:credentialId/moveAfter/:previousId', (req, res) => {
    const ctx = adminContext(res);
    const user = userFor(ctx, req.params.id);
    ctx.require('manage-users');
    moveAfter(user, req.params.credentialId, req.params.previousId);
    res.status(204).end();
  });

  router.get('/:id/configured-user-storage-credential-types', (req, res) => {
    const ctx = adminContext(res);
    userFor(ctx, req.params.id);
    ctx.require('view-users', 'manage-users');
    res.json([]);
  });

  router.put('/:id/disable-credential-types', (req, res) => {
    const ctx = adminContext(res);
    const user = userFor(ctx, req.params.id);
    ctx.require('manage-users');
    const types = Array.isArray(req.body) ? (req.body as unknown[]).map(String) : [];
    user.credentials = user.credentials.filter((c) => c.type === 'password' || !types.includes(c.type));
    res.status(204).end();
  });

  // ---- sessions and passwords ----

  router.post('/:id/logout', (req, res) => {
    const ctx = adminContext(res);
    const user = userFor(ctx, req.params.id);
    ctx.require('manage-users');
    user.notBefore = Math.floor(Date.now() / 1000);
    endSessions(ctx.realm, user);
    ctx.event({ operationType: 'ACTION', resourceType: 'USER', resourcePath: `users/${user.id}/logout` });
    res.status(204).end();
  });

  router.get('/:id/sessions', (req, res) => {
    const ctx = adminContext(res);
    const user = userFor(ctx, req.params.id);
    ctx.require('view-users', 'manage-users');
    const sessions = [...ctx.realm.sessions.values()].filter((s) => s.userId === user.id);
    res.json(
      sessions.map((s) => ({
        id: s.id,
        username: user.username,
        userId: user.id,
        ipAddress: s.ipAddress,
        start: s.started,
        lastAccess: s.lastAccess,
        rememberMe: false,
        clients: Object.fromEntries(
          [...s.clients.keys()].map((clientId) => [clientByClientId(ctx.realm, clientId)?.id ?? clientId, clientId]),
        ),
        transientUser: false,
      })),
    );
  });

  router.put('/:id/reset-password', (req, res) => {
    const ctx = adminContext(res);
    const user = userFor(ctx, req.params.id);
    ctx.require('manage-users');
    const rep = (req.body ?? {}) as { value?: unknown; temporary?: unknown };
    if (rep.value === undefined || rep.value === null)
      throw new KeycloakHttpError(400, { error: 'No password provided' });
    if (typeof rep.value !== 'string' || rep.value.trim() === '') {
      throw new KeycloakHttpError(400, { error: 'Empty password not allowed' });
    }
    user.credentials = [
      ...user.credentials.filter((c) => c.type !== 'password'),
      newPasswordCredential(rep.value),
    ].sort((a, b) => a.priority - b.priority);
    user.requiredActions = user.requiredActions.filter((a) => a !== 'UPDATE_PASSWORD');
    if (rep.temporary === true) user.requiredActions.push('UPDATE_PASSWORD');
    ctx.event({ operationType: 'ACTION', resourceType: 'USER', resourcePath: `users/${user.id}/reset-password` });
    res.status(204).end();
  });

  router.put('/:id/execute-actions-email', (req, res) => {
    const actions = Array.isArray(req.body) ? (req.body as unknown[]).map(String) : [];
    return sendActionEmail(req, res, 'execute-actions', actions, 'execute-actions-email');
  });

  router.put('/:id/reset-password-email', (req, res) =>
    sendActionEmail(req, res, 'execute-actions', ['UPDATE_PASSWORD'], 'reset-password-email'),
  );

  router.put('/:id/send-verify-email', (req, res) =>
    sendActionEmail(req, res, 'verify-email', ['VERIFY_EMAIL'], 'send-verify-email'),
  );

  return router;
};
