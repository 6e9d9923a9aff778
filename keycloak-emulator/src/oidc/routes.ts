/** The realm's OIDC endpoints (the browser ones, authorization and logout, are the login router's). */
import { Router } from 'express';
import type { EmulatorState } from '../state/store.js';
import { discoveryRouter } from './discovery.js';
import { grants } from './grants.js';
import { tokenEndpointRouter } from './token-endpoint.js';
import { userinfoRouter } from './userinfo.js';

// Re-exported for the admin API, which builds Location headers on it.

export const oidcRouter = (state: EmulatorState): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  router.use(discoveryRouter(state));
  router.use(tokenEndpointRouter(state, grants));
  router.use(userinfoRouter(state));
  return router;
};
