import { Router } from 'express';
// STUB — to be implemented.
export const clientsRouter = (): Router => Router({ mergeParams: true, caseSensitive: true });
/** Creates a client (and its service-account user, secret, roles) from a ClientRepresentation. Throws 409 on a duplicate clientId. */
export const createClientFromRepresentation = (
  _realm: import('../state/model.js').RealmModel,
  _rep: import('@keycloak/keycloak-admin-client/lib/defs/clientRepresentation.js').default,
): import('../state/model.js').ClientModel => {
  throw new Error('not implemented');
};
