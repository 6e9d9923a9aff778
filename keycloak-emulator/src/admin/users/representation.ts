/**
 * UserRepresentation in and out: Keycloak's full and brief shapes, and creating users from a
 * representation (admin create, partial import, realm import) with the user profile's attribute rules,
 * and applying one to an existing user (admin update).
 */
import { randomUUID } from 'node:crypto';
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import { badRequest, conflict, KeycloakHttpError } from '../../http/errors.js';
import { newPasswordCredential } from '../../state/credentials.js';
import type { CredentialModel, GroupModel, RealmModel, UserModel } from '../../state/model.js';
import { clientByClientId, indexUser, newUser, unindexUser } from '../../state/store.js';
import { managedAttributeNames, unmanagedAttributePolicy } from '../../state/user-profile.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export const toUserRepresentation = (
  _realm: RealmModel,
  user: UserModel,
  options: { brief: boolean } = { brief: false },
): UserRepresentation => {
  const common = {
    id: user.id,
    username: user.username,
    ...(user.firstName !== undefined ? { firstName: user.firstName } : {}),
    ...(user.lastName !== undefined ? { lastName: user.lastName } : {}),
    ...(user.email !== undefined ? { email: user.email } : {}),
    emailVerified: user.emailVerified,
    ...(user.federationLink ? { federationLink: user.federationLink } : {}),
  };
  const attributes = Object.keys(user.attributes).length > 0 ? { attributes: structuredClone(user.attributes) } : {};
  if (options.brief) {
    return {
      ...common,
      ...(user.attributes.is_temporary_admin
        ? { attributes: { is_temporary_admin: user.attributes.is_temporary_admin } }
        : {}),
      createdTimestamp: user.createdTimestamp,
      enabled: user.enabled,
    };
  }
  return {
    ...common,
    ...attributes,
    createdTimestamp: user.createdTimestamp,
    enabled: user.enabled,
    totp: user.credentials.some((c) => c.type === 'otp'),
    ...(user.serviceAccountClientId ? { serviceAccountClientId: user.serviceAccountClientId } : {}),
    disableableCredentialTypes: user.credentials.some((c) => c.type === 'otp') ? ['otp'] : [],
    requiredActions: [...user.requiredActions],
    notBefore: user.notBefore,
  };
};

/** Attributes the user profile lets an admin write: managed ones always, others per the policy. */
export const profileAttributes = (realm: RealmModel, attributes: Record<string, unknown> | undefined) => {
  const policy = unmanagedAttributePolicy(realm.userProfile);
  const managed = managedAttributeNames(realm.userProfile);
  const keepUnmanaged = policy === 'ENABLED' || policy === 'ADMIN_EDIT';
  // The declarative user profile adds `locale` to the managed attributes while internationalization is on.
  if (realm.settings.internationalizationEnabled === true) managed.add('locale');
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (['username', 'email', 'firstName', 'lastName'].includes(name)) continue;
    if (!keepUnmanaged && !managed.has(name)) continue;
    const values = (Array.isArray(value) ? value : [value]).filter((v) => v !== null && v !== undefined).map(String);
    result[name] = values;
  }
  return result;
};

/** The registered required actions a representation names, in the order given (unknown ones dropped). */
export const registeredActions = (realm: RealmModel, actions: unknown): string[] =>
  Array.isArray(actions) ? [...new Set(actions.map(String).filter((a) => realm.requiredActions.has(a)))] : [];

export const validateEmail = (email: string | undefined) => {
  if (email !== undefined && email !== '' && !EMAIL.test(email)) {
    throw new KeycloakHttpError(400, { field: 'email', errorMessage: 'invalidEmailMessage', params: ['email', email] });
  }
};

export const groupByPath = (realm: RealmModel, path: string): GroupModel | undefined => {
  const names = path.split('/').filter(Boolean);
  let parentId: string | undefined;
  let found: GroupModel | undefined;
  for (const name of names) {
    found = [...realm.groups.values()].find((g) => g.name === name && g.parentId === parentId);
    if (!found) return undefined;
    parentId = found.id;
  }
  return found;
};

/** A credential from a representation: a `value` is a password; otherwise stored as given (OTP import). */
const credentialFrom = (rep: Record<string, unknown>, now: number): CredentialModel | undefined => {
  if (typeof rep.value === 'string' && rep.value !== '')
    return newPasswordCredential(rep.value, Number(rep.createdDate ?? now));
  if (typeof rep.type !== 'string' || typeof rep.secretData !== 'string' || typeof rep.credentialData !== 'string')
    return undefined;
  return {
    id: typeof rep.id === 'string' ? rep.id : randomUUID(),
    type: rep.type,
    ...(typeof rep.userLabel === 'string' && rep.userLabel ? { userLabel: rep.userLabel } : {}),
    createdDate: Number(rep.createdDate ?? now),
    credentialData: rep.credentialData,
    secretData: rep.secretData,
    priority: rep.type === 'password' ? 10 : 20,
  };
};

export const addCredentials = (user: UserModel, credentials: unknown) => {
  if (!Array.isArray(credentials)) return;
  const now = Date.now();
  for (const rep of credentials as Record<string, unknown>[]) {
    if (!rep || typeof rep !== 'object') continue;
    const credential = credentialFrom(rep, now);
    if (!credential) continue;
    if (credential.type === 'password') user.credentials = user.credentials.filter((c) => c.type !== 'password');
    user.credentials.push(credential);
    if (credential.type === 'password' && rep.temporary === true && !user.requiredActions.includes('UPDATE_PASSWORD')) {
      user.requiredActions.push('UPDATE_PASSWORD');
    }
  }
  user.credentials.sort((a, b) => a.priority - b.priority);
};

export const checkUnique = (realm: RealmModel, username: string, email: string | undefined, self?: UserModel) => {
  const byName = realm.usersByUsername.get(username);
  if (byName && byName !== self) throw conflict('User exists with same username');
  if (email && realm.settings.duplicateEmailsAllowed !== true) {
    const byEmail = realm.usersByEmail.get(email);
    if (byEmail && byEmail !== self) throw conflict('User exists with same email');
  }
};

/**
 * Creates and indexes a user from a UserRepresentation (as POST /users, partialImport and realm import
 * do). `imported` = true for imports (Keycloak adds no default required actions then, but maps the
 * representation's realm and client roles).
 */
export const createUserFromRepresentation = (
  realm: RealmModel,
  rep: UserRepresentation,
  options: { imported: boolean },
): UserModel => {
  if (!rep || typeof rep !== 'object') throw badRequest('Invalid user representation');
  const email = typeof rep.email === 'string' && rep.email !== '' ? rep.email.trim().toLowerCase() : undefined;
  const rawUsername = realm.settings.registrationEmailAsUsername === true ? email : rep.username;
  if (typeof rawUsername !== 'string' || rawUsername.trim() === '') throw badRequest('User name is missing');
  const username = rawUsername.trim().toLowerCase();
  validateEmail(email);
  checkUnique(realm, username, email);
  if (rep.id && realm.users.has(rep.id)) throw conflict('User exists with same id');

  const defaults = options.imported
    ? []
    : [...realm.requiredActions.values()].filter((a) => a.enabled && a.defaultAction).map((a) => a.alias);
  const user = newUser({
    ...(rep.id ? { id: rep.id } : {}),
    username,
    ...(email ? { email } : {}),
    ...(typeof rep.firstName === 'string' ? { firstName: rep.firstName } : {}),
    ...(typeof rep.lastName === 'string' ? { lastName: rep.lastName } : {}),
    emailVerified: rep.emailVerified === true,
    enabled: rep.enabled === true,
    createdTimestamp: options.imported && typeof rep.createdTimestamp === 'number' ? rep.createdTimestamp : Date.now(),
    requiredActions: [...new Set([...registeredActions(realm, rep.requiredActions), ...defaults])],
    attributes: profileAttributes(realm, rep.attributes as Record<string, unknown> | undefined),
    ...(rep.federationLink ? { federationLink: rep.federationLink } : {}),
  });
  if (options.imported && typeof (rep as { serviceAccountClientId?: string }).serviceAccountClientId === 'string') {
    const client = clientByClientId(realm, String((rep as { serviceAccountClientId?: string }).serviceAccountClientId));
    if (client) {
      user.serviceAccountClientId = client.id;
      client.serviceAccountUserId = user.id;
    }
  }

  for (const path of rep.groups ?? []) {
    const group = groupByPath(realm, path);
    // Keycloak fails the whole request with a server error here.
    if (!group)
      throw new KeycloakHttpError(500, {
        error: 'unknown_error',
        error_description: 'For more on this error consult the server log.',
      });
    user.groupIds.add(group.id);
  }
  addCredentials(user, rep.credentials);

  const defaultRole = realm.roles.get(`default-roles-${realm.name}`);
  if (defaultRole) user.realmRoleIds.add(defaultRole.id);
  if (options.imported) {
    for (const name of rep.realmRoles ?? []) {
      const role = realm.roles.get(name);
      if (role) user.realmRoleIds.add(role.id);
    }
    for (const [clientId, names] of Object.entries(rep.clientRoles ?? {})) {
      const client = clientByClientId(realm, clientId);
      if (!client) continue;
      const ids = user.clientRoleIds.get(client.id) ?? new Set<string>();
      for (const name of names as string[]) {
        const role = client.roles.get(name);
        if (role) ids.add(role.id);
      }
      if (ids.size > 0) user.clientRoleIds.set(client.id, ids);
    }
  }
  indexUser(realm, user);
  return user;
};

/** Applies a UserRepresentation the way Keycloak's PUT does: only the fields present change. */
export const updateUser = (realm: RealmModel, user: UserModel, rep: UserRepresentation) => {
  const email = rep.email === undefined ? user.email : rep.email ? rep.email.trim().toLowerCase() : undefined;
  let username = user.username;
  if (typeof rep.username === 'string' && rep.username.trim().toLowerCase() !== user.username) {
    if (realm.settings.editUsernameAllowed !== true && realm.settings.registrationEmailAsUsername !== true) {
      throw new KeycloakHttpError(400, {
        field: 'username',
        errorMessage: 'error-user-attribute-read-only',
        params: ['username'],
      });
    }
    username = rep.username.trim().toLowerCase();
  }
  validateEmail(email);
  checkUnique(realm, username, email, user);
  unindexUser(realm, user);
  user.username = username;
  if (email !== user.email) {
    user.email = email;
    if (rep.emailVerified === undefined) user.emailVerified = false;
  }
  if (rep.firstName !== undefined) user.firstName = rep.firstName;
  if (rep.lastName !== undefined) user.lastName = rep.lastName;
  if (rep.emailVerified !== undefined) user.emailVerified = rep.emailVerified === true;
  if (rep.enabled !== undefined) {
    if (rep.enabled === true && !user.enabled) realm.bruteForce.delete(user.id);
    user.enabled = rep.enabled === true;
  }
  if (rep.requiredActions !== undefined) user.requiredActions = registeredActions(realm, rep.requiredActions);
  if (rep.attributes !== undefined)
    user.attributes = profileAttributes(realm, rep.attributes as Record<string, unknown>);
  if (rep.federationLink !== undefined) user.federationLink = rep.federationLink;
  addCredentials(user, rep.credentials);
  indexUser(realm, user);
};
