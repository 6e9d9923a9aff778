/**
 * Emails with action links (execute-actions, reset-password, verify-email). The link's client defaults to
 * `account` (Constants.ACCOUNT_MANAGEMENT_CLIENT_ID in UserResource); a redirect_uri needs a client_id and
 * must be one of that client's redirect URIs.
 */
import type { Request, Response, Router } from 'express';
import { badRequest, KeycloakHttpError } from '../../http/errors.js';
import { requestLocaleHints } from '../../login/locale.js';
import { redirectUriAllowed } from '../../login/redirect.js';
import { baseUrlOf } from '../../oidc/base-url.js';
import { clientByClientId } from '../../state/store.js';
import { adminContext } from '../context.js';
import { intParam, str } from '../route-helpers.js';
import { userFor } from './route-context.js';

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
  const clientId = clientIdParam ?? 'account';
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
      localeHints: requestLocaleHints(req),
    });
  } catch (error) {
    const what = kind === 'verify-email' ? 'Failed to send verify email' : 'Failed to send execute actions email';
    throw new KeycloakHttpError(500, { errorMessage: `${what}: ${(error as Error).message}` });
  }
  ctx.event({ operationType: 'ACTION', resourceType: 'USER', resourcePath: `users/${user.id}/${path}` });
  res.status(204).end();
};

const executeActionsEmail = (req: Request, res: Response) => {
  const actions = Array.isArray(req.body) ? (req.body as unknown[]).map(String) : [];
  return sendActionEmail(req, res, 'execute-actions', actions, 'execute-actions-email');
};

const resetPasswordEmail = (req: Request, res: Response) =>
  sendActionEmail(req, res, 'execute-actions', ['UPDATE_PASSWORD'], 'reset-password-email');

const verifyEmail = (req: Request, res: Response) =>
  sendActionEmail(req, res, 'verify-email', ['VERIFY_EMAIL'], 'send-verify-email');

export const actionEmailRoutes = (router: Router): void => {
  router.put('/:id/execute-actions-email', executeActionsEmail);
  router.put('/:id/reset-password-email', resetPasswordEmail);
  router.put('/:id/send-verify-email', verifyEmail);
};
