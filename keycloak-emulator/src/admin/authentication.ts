import { Router } from 'express';
// STUB — to be implemented.
export const authenticationRouter = (): Router => Router({ mergeParams: true, caseSensitive: true });
/**
 * Imports a realm export's `authenticationFlows`, `authenticatorConfig` and `requiredActions`:
 * flows replace same-alias flows, required actions are updated or registered.
 */
export const importAuthentication = (
  _realm: import('../state/model.js').RealmModel,
  _export: { authenticationFlows?: unknown[]; authenticatorConfig?: unknown[]; requiredActions?: unknown[] },
): void => {
  throw new Error('not implemented');
};
