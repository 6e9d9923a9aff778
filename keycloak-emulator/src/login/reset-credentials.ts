/** "Forgot Password?": `login-actions/reset-credentials` runs the realm's reset-credentials flow. */
import express, { type Request, type Response, Router } from 'express';
import type { AuthSessionModel, RealmModel } from '../state/model.js';
import { clientByClientId, type EmulatorState } from '../state/store.js';
import { currentAuthSession, newAuthSession, postedOf, rootIdOf } from './auth-sessions.js';
import { realmOf, sendError, TIMED_OUT } from './http.js';
import { contextFor, proceed } from './journey.js';

/**
 * Switches the tab's login to the reset-credentials flow, keeping where it returns to,
 * or starts one for the `client_id` of the link.
 */
const startReset = (req: Request, res: Response, realm: RealmModel, current: AuthSessionModel | undefined) => {
  const fields = current
    ? {
        clientId: current.clientId,
        redirectUri: current.redirectUri,
        state: current.state,
        nonce: current.nonce,
        scope: current.scope,
        codeChallenge: current.codeChallenge,
        codeChallengeMethod: current.codeChallengeMethod,
      }
    : { clientId: String(req.query.client_id ?? 'account-console') };
  if (current) realm.authSessions.delete(current.tabId);
  const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as typeof fields;
  const authSession = newAuthSession(realm, rootIdOf(req, res, realm), { ...clean, flow: 'reset-credentials' });
  req.query.tab_id = authSession.tabId;
  return authSession;
};

export const resetCredentialsRouter = (state: EmulatorState): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  const reset = async (req: Request, res: Response) => {
    const realm = realmOf(state, req);
    if (realm.settings.resetPasswordAllowed !== true) return sendError(res, realm, 'Resetting password is disabled.');
    let authSession = currentAuthSession(req, realm);
    if (req.method === 'GET' && !req.query.execution) {
      if (!clientByClientId(realm, String(req.query.client_id ?? 'account-console'))) {
        return sendError(res, realm, 'Client not found.');
      }
      authSession = startReset(req, res, realm, authSession);
    }
    if (!authSession) return sendError(res, realm, TIMED_OUT);
    await proceed(res, contextFor(state, req, realm, authSession, postedOf(req)));
  };
  router.get('/login-actions/reset-credentials', reset);
  router.post('/login-actions/reset-credentials', form, reset);
  return router;
};
