/**
 * The browser side of the emulator, one router per journey: signing in, "Forgot Password?", required
 * actions, the links in emails, and logout. The token endpoint's authorization_code grant, which takes
 * the codes a finished login hands out, is in `oidc/grants.ts`.
 */
import { Router } from 'express';
import type { EmulatorState } from '../state/store.js';
import { actionTokenRouter } from './action-token-routes.js';
import { localeCookieOnPick } from './locale.js';
import { logoutRouter } from './logout.js';
import { requiredActionRouter } from './required-action-routes.js';
import { resetCredentialsRouter } from './reset-credentials.js';
import { signInRouter } from './sign-in.js';

export const loginRouter = (state: EmulatorState): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  router.use(localeCookieOnPick(state));
  router.use(signInRouter(state));
  router.use(resetCredentialsRouter(state));
  router.use(requiredActionRouter(state));
  router.use(actionTokenRouter(state));
  router.use(logoutRouter(state));
  return router;
};
