/**
 * The emulator's state: realms and everything in them, with the lookups every resource needs.
 * Lookups that miss throw Keycloak's 404 so routes read straight-line.
 */
import { randomUUID } from 'node:crypto';
import { type ActionMailer, smtpRequiredMailer } from '../email/action-mailer.js';
import { builtinFlows, type FlowSpec } from '../flows/builtin-flows.js';
import { notFound } from '../http/errors.js';
import { installBuiltinClientScopes } from './client-scopes.js';
import type { ClientModel, ExecutionModel, FlowModel, GroupModel, RealmModel, RoleModel, UserModel } from './model.js';
import {
  ACCOUNT_CLIENT_ROLES,
  ADMIN_ROLE_COMPOSITES,
  type AdminRole,
  builtinRequiredActions,
  DEFAULT_REALM_SETTINGS,
  REALM_MANAGEMENT_ROLES,
} from './realm-defaults.js';
import { defaultUserProfile } from './user-profile.js';

export const MASTER_REALM = 'master';

export const newRole = (name: string, containerId: string, clientRole: boolean, description?: string): RoleModel => ({
  id: randomUUID(),
  name,
  ...(description === undefined ? {} : { description }),
  composite: false,
  clientRole,
  containerId,
  compositeIds: new Set(),
  attributes: {},
});

export const newClient = (fields: Partial<ClientModel> & { clientId: string }): ClientModel => ({
  id: randomUUID(),
  enabled: true,
  publicClient: false,
  bearerOnly: false,
  protocol: 'openid-connect',
  clientAuthenticatorType: 'client-secret',
  standardFlowEnabled: true,
  implicitFlowEnabled: false,
  directAccessGrantsEnabled: false,
  serviceAccountsEnabled: false,
  frontchannelLogout: true,
  fullScopeAllowed: true,
  consentRequired: false,
  alwaysDisplayInConsole: false,
  surrogateAuthRequired: false,
  redirectUris: [],
  webOrigins: [],
  attributes: {},
  defaultClientScopes: ['web-origins', 'acr', 'roles', 'profile', 'basic', 'email'],
  optionalClientScopes: ['address', 'phone', 'offline_access', 'organization', 'microprofile-jwt'],
  protocolMappers: [],
  scopeMappings: { realmRoleIds: new Set(), clientRoleIds: new Map() },
  nodeReRegistrationTimeout: 0,
  notBefore: 0,
  roles: new Map(),
  ...fields,
});

export const newUser = (fields: Partial<UserModel> & { username: string }): UserModel => ({
  id: randomUUID(),
  emailVerified: false,
  enabled: true,
  createdTimestamp: Date.now(),
  notBefore: 0,
  requiredActions: [],
  attributes: {},
  credentials: [],
  groupIds: new Set(),
  realmRoleIds: new Set(),
  clientRoleIds: new Map(),
  ...fields,
});

export class EmulatorState {
  readonly realms = new Map<string, RealmModel>();
  /** sends action-token emails (execute-actions, verify-email) */
  actionMailer: ActionMailer = smtpRequiredMailer;

  realm(name: string): RealmModel {
    const realm = this.realms.get(name);
    if (!realm) throw notFound('Realm not found.');
    return realm;
  }

  /** Creates a realm with Keycloak's defaults; `settings` are RealmRepresentation scalars to apply. */
  createRealm(name: string, id: string = randomUUID(), settings: Record<string, unknown> = {}): RealmModel {
    const realm: RealmModel = {
      id,
      name,
      settings: { ...structuredClone(DEFAULT_REALM_SETTINGS), ...settings },
      clients: new Map(),
      roles: new Map(),
      users: new Map(),
      usersByUsername: new Map(),
      usersByEmail: new Map(),
      groups: new Map(),
      flows: new Map(),
      executions: new Map(),
      authenticatorConfigs: new Map(),
      requiredActions: new Map(builtinRequiredActions().map((a) => [a.alias, a])),
      events: [],
      adminEvents: [],
      bruteForce: new Map(),
      sessions: new Map(),
      offlineSessions: new Map(),
      authSessions: new Map(),
      authCodes: new Map(),
      usedActionTokens: new Map(),
      usedOtpCodes: new Map(),
      userProfile: defaultUserProfile(),
      clientScopes: new Map(),
      defaultDefaultClientScopes: [],
      defaultOptionalClientScopes: [],
      defaultGroupIds: new Set(),
    };
    this.realms.set(name, realm);

    for (const spec of builtinFlows(name === MASTER_REALM)) installFlow(realm, spec, { topLevel: true, builtIn: true });
    this.installDefaultClientsAndRoles(realm);
    if (name === MASTER_REALM) {
      const createRealm = newRole('create-realm', realm.id, false, '${role_create-realm}');
      const admin = newRole('admin', realm.id, false, '${role_admin}');
      admin.composite = true;
      admin.compositeIds.add(createRealm.id);
      realm.roles.set(createRealm.name, createRealm);
      realm.roles.set(admin.name, admin);
    }
    // Every realm is administered from master through a `<realm>-realm` client holding the admin roles.
    const master = name === MASTER_REALM ? realm : this.realms.get(MASTER_REALM);
    if (master) {
      const adminClient = this.installManagementClient(master, `${name}-realm`, {
        bearerOnly: true,
        name: `${name} Realm`,
      });
      const masterAdmin = master.roles.get('admin');
      if (masterAdmin) {
        for (const role of adminClient.roles.values()) masterAdmin.compositeIds.add(role.id);
      }
    }
    return realm;
  }

  deleteRealm(name: string): void {
    this.realms.delete(name);
    const master = this.realms.get(MASTER_REALM);
    if (!master) return;
    for (const client of master.clients.values()) {
      if (client.clientId === `${name}-realm`) master.clients.delete(client.id);
    }
  }

  private installDefaultClientsAndRoles(realm: RealmModel): void {
    const role = (name: string, description: string) => {
      const r = newRole(name, realm.id, false, description);
      realm.roles.set(name, r);
      return r;
    };
    const offline = role('offline_access', '${role_offline-access}');
    const uma = role('uma_authorization', '${role_uma_authorization}');
    const defaultRoles = role(`default-roles-${realm.name}`, '${role_default-roles}');
    defaultRoles.composite = true;
    defaultRoles.compositeIds.add(offline.id).add(uma.id);
    installBuiltinClientScopes(realm);

    const base = `/realms/${realm.name}/account/`;
    const account = addClient(realm, {
      clientId: 'account',
      name: '${client_account}',
      publicClient: true,
      rootUrl: '${authBaseUrl}',
      baseUrl: base,
      redirectUris: [`/realms/${realm.name}/account/*`],
    });
    for (const name of ACCOUNT_CLIENT_ROLES) {
      account.roles.set(name, newRole(name, account.id, true, `\${role_${name}}`));
    }
    const manageAccount = account.roles.get('manage-account');
    const linkRole = account.roles.get('manage-account-links');
    if (manageAccount && linkRole) {
      manageAccount.composite = true;
      manageAccount.compositeIds.add(linkRole.id);
    }
    for (const name of ['view-profile', 'manage-account']) {
      const accountRole = account.roles.get(name);
      if (accountRole) defaultRoles.compositeIds.add(accountRole.id);
    }
    addClient(realm, {
      clientId: 'account-console',
      name: '${client_account-console}',
      publicClient: true,
      rootUrl: '${authBaseUrl}',
      baseUrl: base,
      redirectUris: [`/realms/${realm.name}/account/*`],
      attributes: { 'pkce.code.challenge.method': 'S256', 'post.logout.redirect.uris': '+' },
    });
    addClient(realm, {
      clientId: 'admin-cli',
      name: '${client_admin-cli}',
      publicClient: true,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: true,
    });
    const broker = addClient(realm, { clientId: 'broker', name: '${client_broker}', bearerOnly: true });
    broker.roles.set('read-token', newRole('read-token', broker.id, true, '${role_read-token}'));
    if (realm.name !== MASTER_REALM) {
      this.installManagementClient(realm, 'realm-management', {
        bearerOnly: true,
        name: '${client_realm-management}',
      });
    }
    addClient(realm, {
      clientId: 'security-admin-console',
      name: '${client_security-admin-console}',
      publicClient: true,
      rootUrl: '${authAdminUrl}',
      baseUrl: `/admin/${realm.name}/console/`,
      redirectUris: [`/admin/${realm.name}/console/*`],
      webOrigins: ['+'],
      attributes: { 'pkce.code.challenge.method': 'S256', 'post.logout.redirect.uris': '+' },
    });
  }

  private installManagementClient(realm: RealmModel, clientId: string, fields: Partial<ClientModel>): ClientModel {
    const client = addClient(realm, { clientId, ...fields });
    for (const name of REALM_MANAGEMENT_ROLES) {
      client.roles.set(name, newRole(name, client.id, true, `\${role_${name}}`));
    }
    for (const [name, parts] of Object.entries(ADMIN_ROLE_COMPOSITES) as [AdminRole, AdminRole[]][]) {
      const composite = client.roles.get(name);
      if (!composite) continue;
      composite.composite = true;
      for (const part of parts) {
        const partRole = client.roles.get(part);
        if (partRole) composite.compositeIds.add(partRole.id);
      }
    }
    return client;
  }
}

export const addClient = (realm: RealmModel, fields: Partial<ClientModel> & { clientId: string }): ClientModel => {
  const client = newClient(fields);
  realm.clients.set(client.id, client);
  return client;
};

/** Installs a flow tree (built-in or copied) and returns its top flow. */
export const installFlow = (
  realm: RealmModel,
  spec: FlowSpec,
  options: { topLevel: boolean; builtIn: boolean },
): FlowModel => {
  const flow: FlowModel = {
    id: randomUUID(),
    alias: spec.alias,
    description: spec.description,
    providerId: spec.providerId,
    topLevel: options.topLevel,
    builtIn: options.builtIn,
  };
  realm.flows.set(flow.id, flow);
  for (const exec of spec.executions) {
    const execution: ExecutionModel = {
      id: randomUUID(),
      parentFlowId: flow.id,
      requirement: exec.requirement,
      priority: exec.priority,
    };
    if ('flow' in exec) {
      const sub = installFlow(realm, exec.flow, { topLevel: false, builtIn: options.builtIn });
      execution.flowId = sub.id;
      if (exec.formProvider) execution.authenticator = exec.formProvider;
    } else {
      execution.authenticator = exec.authenticator;
      if (exec.config) {
        const configId = randomUUID();
        realm.authenticatorConfigs.set(configId, {
          id: configId,
          alias: exec.config.alias,
          config: { ...exec.config.config },
        });
        execution.authenticatorConfigId = configId;
      }
    }
    realm.executions.set(execution.id, execution);
  }
  return flow;
};

// ---- lookups shared by the admin resources and the login pages ----

export const findUser = (realm: RealmModel, id: string): UserModel => {
  const user = realm.users.get(id);
  if (!user) throw notFound('User not found');
  return user;
};

export const findClient = (realm: RealmModel, uuid: string): ClientModel => {
  const client = realm.clients.get(uuid);
  if (!client) throw notFound('Could not find client');
  return client;
};

export const clientByClientId = (realm: RealmModel, clientId: string): ClientModel | undefined => {
  for (const client of realm.clients.values()) if (client.clientId === clientId) return client;
  return undefined;
};

export const findGroup = (realm: RealmModel, id: string): GroupModel => {
  const group = realm.groups.get(id);
  if (!group) throw notFound('Could not find group by id');
  return group;
};

export const flowByAlias = (realm: RealmModel, alias: string): FlowModel | undefined => {
  for (const flow of realm.flows.values()) if (flow.alias === alias) return flow;
  return undefined;
};

/** Executions of one flow, in priority order (ties keep insertion order, as storage would). */
export const executionsOf = (realm: RealmModel, flowId: string): ExecutionModel[] =>
  [...realm.executions.values()].filter((e) => e.parentFlowId === flowId).sort((a, b) => a.priority - b.priority);

/** Every role by id across the realm and its clients. */
export const roleById = (realm: RealmModel, id: string): RoleModel | undefined => {
  for (const role of realm.roles.values()) if (role.id === id) return role;
  for (const client of realm.clients.values()) {
    for (const role of client.roles.values()) if (role.id === id) return role;
  }
  return undefined;
};

// ---- the user indexes ----

export const indexUser = (realm: RealmModel, user: UserModel): void => {
  realm.users.set(user.id, user);
  realm.usersByUsername.set(user.username, user);
  if (user.email) realm.usersByEmail.set(user.email.toLowerCase(), user);
  realm.sortedUserIds = undefined;
};

export const unindexUser = (realm: RealmModel, user: UserModel): void => {
  realm.users.delete(user.id);
  realm.usersByUsername.delete(user.username);
  if (user.email && realm.usersByEmail.get(user.email.toLowerCase()) === user) {
    realm.usersByEmail.delete(user.email.toLowerCase());
  }
  realm.bruteForce.delete(user.id);
  realm.sortedUserIds = undefined;
};

/** Users in Keycloak's list order (by username). Sorted lazily so bulk writes stay cheap. */
export const usersInOrder = (realm: RealmModel): UserModel[] => {
  if (!realm.sortedUserIds) {
    realm.sortedUserIds = [...realm.users.values()]
      .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0))
      .map((u) => u.id);
  }
  const users: UserModel[] = [];
  for (const id of realm.sortedUserIds) {
    const user = realm.users.get(id);
    if (user) users.push(user);
  }
  return users;
};
