import { Router } from 'express';
// STUB — to be implemented.
export const groupsRouter = (): Router => Router({ mergeParams: true, caseSensitive: true });
/** Creates a group (with subGroups, realmRoles, clientRoles, attributes) from a GroupRepresentation. 409 on a sibling name clash. */
export const createGroupFromRepresentation = (
  _realm: import('../state/model.js').RealmModel,
  _rep: import('@keycloak/keycloak-admin-client/lib/defs/groupRepresentation.js').default,
  _parentId?: string,
): import('../state/model.js').GroupModel => {
  throw new Error('not implemented');
};
/** `/users/{id}/groups...` (mounted by admin/router.ts). */
export const userGroupsRouter = (): Router => Router({ mergeParams: true, caseSensitive: true });
