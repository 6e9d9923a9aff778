// STUB — to be implemented by the users module.
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import type { RealmModel, UserModel } from '../../state/model.js';

/**
 * Creates and indexes a user from a UserRepresentation (as POST /users, partialImport and realm import
 * do). `imported` = true for imports (Keycloak adds no default required actions then).
 * Throws Keycloak's 409/400 errors on conflicts or invalid input.
 */
export const createUserFromRepresentation = (
  _realm: RealmModel,
  _rep: UserRepresentation,
  _options: { imported: boolean },
): UserModel => {
  throw new Error('not implemented');
};

/** The UserRepresentation Keycloak returns: full, or brief (`briefRepresentation=true`). */
export const toUserRepresentation = (
  _realm: RealmModel,
  _user: UserModel,
  _options: { brief: boolean } = { brief: false },
): UserRepresentation => {
  throw new Error('not implemented');
};
