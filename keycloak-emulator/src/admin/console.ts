/**
 * The routes outside `/admin/realms` that the admin client calls: `GET /admin/{realm}/console/whoami`
 * (AdminConsole.whoAmI) and `GET /admin/serverinfo` (ServerInfoAdminResource), with the parts the admin
 * client's types name and the providers this emulator implements.
 */
import { type Request, Router } from 'express';
import { forbidden, unauthorized } from '../http/errors.js';
import { type AccessTokenCaller, verifyAccessToken } from '../oidc/tokens.js';
import { OIDC } from '../state/client-scopes.js';
import type { RealmModel } from '../state/model.js';
import { effectiveRoles } from '../state/roles.js';
import { clientByClientId, type EmulatorState, MASTER_REALM } from '../state/store.js';
import { AdminContext } from './context.js';
import { str } from './route-helpers.js';
import { serverInfoProviders } from './server-info.js';

/** The client attribute that marks another client as an admin console (name not verified). */
const ADMIN_CONSOLE_ATTRIBUTE = 'security.admin.console';

/** The Keycloak release the emulator answers as (docker-compose.yml's image line). */
export const EMULATED_VERSION = '26.4.0';

const callerOf = (state: EmulatorState, req: Request): AccessTokenCaller => {
  const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  const caller = token ? verifyAccessToken(state, token) : undefined;
  if (!caller) throw unauthorized();
  return caller;
};

/** The management roles the caller holds for one realm (what the console shows and hides by). */
const managementRoles = (caller: AccessTokenCaller, realm: RealmModel): string[] => {
  const clientId = caller.realm.name === MASTER_REALM ? `${realm.name}-realm` : 'realm-management';
  const client = clientByClientId(caller.realm, clientId);
  return [...effectiveRoles(caller.realm, caller.user).values()]
    .filter((r) => r.clientRole && r.containerId === client?.id)
    .map((r) => r.name)
    .sort();
};

const displayName = (caller: AccessTokenCaller) => {
  const { firstName, lastName, username } = caller.user;
  return firstName && lastName ? `${firstName} ${lastName}` : (firstName ?? lastName ?? username);
};

/**
 * Only tokens of the admin console answer (keycloak#25219): `azp` must be `security-admin-console` or a
 * client marked as an admin console; a master user may ask about `currentRealm`; no admin role → 403.
 */
const whoAmI = (state: EmulatorState, req: Request) => {
  const caller = callerOf(state, req);
  if (caller.realm.name !== String(req.params.realm)) throw unauthorized();
  const consoleClient =
    caller.client?.clientId === 'security-admin-console' ||
    caller.client?.attributes[ADMIN_CONSOLE_ATTRIBUTE] === 'true';
  if (!consoleClient) throw forbidden();
  const asked = caller.realm.name === MASTER_REALM ? str(req.query.currentRealm) : undefined;
  const current = asked ? state.realm(asked) : caller.realm;
  const access = managementRoles(caller, current);
  if (access.length === 0) throw forbidden();
  const createRealm =
    caller.realm.name === MASTER_REALM &&
    [...effectiveRoles(caller.realm, caller.user).values()].some((r) => !r.clientRole && r.name === 'create-realm');
  return {
    userId: caller.user.id,
    realm: caller.realm.name,
    displayName: displayName(caller),
    locale: caller.user.attributes.locale?.[0] ?? String(caller.realm.settings.defaultLocale ?? 'en'),
    createRealm,
    realm_access: { [current.name]: access },
    temporary: caller.user.attributes.is_temporary_admin?.[0] === 'true',
  };
};

const serverInfo = (state: EmulatorState, req: Request) => {
  const caller = callerOf(state, req);
  const anyRealm = [...state.realms.values()].find((realm) => new AdminContext(state, caller, realm, '').isAnyAdmin());
  if (!anyRealm) throw forbidden();
  const now = new Date();
  return {
    systemInfo: {
      version: EMULATED_VERSION,
      serverTime: now.toString(),
      uptime: `${Math.floor(process.uptime())} seconds`,
      uptimeMillis: Math.floor(process.uptime() * 1000),
      javaVersion: 'n/a (emulator)',
      osName: process.platform,
      fileEncoding: 'UTF-8',
      userTimezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      userLocale: 'en_US',
    },
    memoryInfo: { total: process.memoryUsage().heapTotal, used: process.memoryUsage().heapUsed },
    profileInfo: { name: 'community', disabledFeatures: [], previewFeatures: [], experimentalFeatures: [] },
    features: [],
    themes: {
      login: [{ name: 'keycloak.v2', locales: ['de', 'en', 'fr'] }],
      email: [{ name: 'keycloak', locales: ['de', 'en', 'fr'] }],
    },
    ...serverInfoProviders(),
    enums: {
      operationType: ['CREATE', 'UPDATE', 'DELETE', 'ACTION'],
      sslRequired: ['all', 'external', 'none'],
      policyEnforcementMode: ['ENFORCING', 'PERMISSIVE', 'DISABLED'],
    },
    passwordPolicies: [],
    componentTypes: {},
    clientInstallations: { [OIDC]: [] },
    socialProviders: [],
    identityProviders: [],
    clientImporters: [],
  };
};

export const consoleRouter = (state: EmulatorState): Router => {
  const router = Router({ caseSensitive: true });
  router.get('/admin/:realm/console/whoami', (req, res) => {
    res.json(whoAmI(state, req));
  });
  router.get('/admin/serverinfo', (req, res) => {
    res.json(serverInfo(state, req));
  });
  return router;
};
