/**
 * Authentication management with the paths, answers and rules of Keycloak's
 * AuthenticationManagementResource. The route groups register on one router in this order.
 */
import { Router } from 'express';
import { configRoutes } from './config.js';
import { executionRoutes } from './executions.js';
import { flowRoutes } from './flows.js';
import { providerRoutes } from './providers.js';
import { requiredActionRoutes } from './required-actions.js';

export const authenticationRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  providerRoutes(router);
  flowRoutes(router);
  executionRoutes(router);
  configRoutes(router);
  requiredActionRoutes(router);
  return router;
};
