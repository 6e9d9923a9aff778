import { Router } from 'express';
// STUB — to be implemented.
export const rolesRouter = (): Router => Router({ mergeParams: true, caseSensitive: true });
export const rolesByIdRouter = (): Router => Router({ mergeParams: true, caseSensitive: true });
/**
 * Imports a realm export's `roles` ({ realm: RoleRepresentation[], client: { [clientId]: RoleRepresentation[] } }),
 * creating missing roles and then linking composites by name. Existing roles are updated.
 */
export const importRoles = (_realm: import('../state/model.js').RealmModel, _roles: unknown): void => {
  throw new Error('not implemented');
};
/** `/users/{id}/role-mappings...` (mounted by admin/router.ts). */
export const userRoleMappingsRouter = (): Router => Router({ mergeParams: true, caseSensitive: true });
