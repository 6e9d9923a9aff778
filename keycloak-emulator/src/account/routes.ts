/**
 * The account side of a realm (`/realms/{r}/account…`): the Account REST API's credentials and the
 * emulator's small account console page that signs in through `account-console`.
 */
import { Router } from 'express';
import type { EmulatorState } from '../state/store.js';
import { accountConsoleRouter } from './console.js';
import { accountCredentialsRouter } from './credentials-api.js';

export const accountRouter = (state: EmulatorState): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  router.use(accountCredentialsRouter(state));
  router.use(accountConsoleRouter(state));
  return router;
};
