/**
 * What the sidecar serves, mounted on the app: the API under /api/v1 (staff routes behind the helpdesk
 * role, token or page session; self-service recovery open) and the pages (/recovery, /helpdesk).
 */
import type { Express, RequestHandler } from 'express';
import type { Settings } from './config/schema.js';
import type { SidecarFile } from './config/sidecar-file.js';
import { devicesRouter } from './devices/devices-api.js';
import type { DeviceMirror } from './devices/mirror.js';
import { END_USER_ASSETS, endUserAssets, endUserPages } from './end-user-pages/end-user-http.js';
import { complianceRouter } from './enforcement/compliance-api.js';
import type { ReconcileReport } from './enforcement/reconciler.js';
import type { EventFeed } from './events/feed.js';
import { HelpdeskActions } from './helpdesk/actions.js';
import { helpdeskRouter } from './helpdesk/helpdesk-api.js';
import { cookieNamesOf, helpdeskPage } from './helpdesk-page/page.js';
import { recheckStaffOnWrite } from './helpdesk-page/staff-recheck.js';
import { StaffSessions } from './helpdesk-page/staff-sessions.js';
import { createApp, type ReadinessCheck } from './http/app.js';
import { requireRole, type StaffProof, TokenVerifier } from './http/auth.js';
import type { KeycloakConnection } from './keycloak/connection.js';
import type { RealmSettings } from './keycloak/realm-settings.js';
import type { RealmDefaultLocale } from './mail/compose.js';
import type { NoticeService } from './notices/notices.js';
import { noticesRouter } from './notices/notices-api.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { RealmContext } from './realm-context.js';
import type { RecoveryService } from './recovery/recovery.js';
import { recoveryRouters } from './recovery/recovery-api.js';
import { rolloutApiRouter, rolloutTab } from './rollout/rollout-api.js';
import type { SqlDatabase } from './store/database.js';
import { Sealer } from './util/seal.js';

export interface RoutesOf {
  settings: Settings;
  sidecarFile: SidecarFile;
  realm: RealmContext;
  db: SqlDatabase;
  keycloak: KeycloakConnection;
  /** Keycloak's events, read on a schedule and, for a recovery's proof, on demand */
  feed: Pick<EventFeed, 'poll'>;
  /** the realm's ACR levels and default locale, cached */
  realmSettings: () => Promise<RealmSettings>;
  /** the realm's default locale (from realmSettings): the language of users without a `locale` attribute */
  defaultLocale: RealmDefaultLocale;
  mirror: DeviceMirror;
  recovery: RecoveryService;
  notices: NoticeService;
  logger: Logger;
  metrics: Metrics;
  runEnforcement: () => Promise<ReconcileReport | undefined>;
  deviceFullSync: (reason: string) => Promise<unknown>;
  /** the sidecar's own base URL for links and redirects: PUBLIC_URL, else the listen address (never the Host header) */
  publicUrl: string;
  completeUrl: () => string;
}

/** What staff must have proven (sidecar.yaml → helpdesk): the realm's two-factor level; a recent sign-in to write. */
const staffProofOf = (of: RoutesOf): StaffProof => ({
  acr: of.sidecarFile.helpdesk.acr,
  loaMap: async () => (await of.realmSettings()).acrLoaMap,
  maxAuthAgeSeconds: of.sidecarFile.helpdesk.maxAuthAgeSeconds,
});

/** Staff sign-in: bearer tokens of the allowed clients, or the helpdesk page's session cookie. */
const staffAccess = (of: RoutesOf) => {
  const { settings, realm, db } = of;
  const verifier = new TokenVerifier({
    keycloakUrl: settings.KEYCLOAK_URL,
    realm: realm.name,
    clients: [...new Set([...settings.HELPDESK_TOKEN_CLIENTS, settings.HELPDESK_CLIENT_ID])],
    publicKeycloakUrl: settings.KEYCLOAK_PUBLIC_URL ?? settings.KEYCLOAK_URL,
  });
  const sessionSecret = settings.HELPDESK_SESSION_SECRET;
  const proof = staffProofOf(of);
  const login = {
    publicRealmUrl: realm.publicUrl,
    realmUrl: realm.url,
    clientId: settings.HELPDESK_CLIENT_ID,
    acr: proof.acr,
    maxAuthAgeSeconds: proof.maxAuthAgeSeconds,
  };
  const sessions = new StaffSessions({
    db,
    realm: realm.name,
    sealer: new Sealer(sessionSecret, 'helpdesk-session'),
    verifier,
    login,
  });
  const guard = requireRole(verifier, settings.HELPDESK_ROLE, proof, {
    cookieName: cookieNamesOf(settings.PUBLIC_URL).session,
    resolve: (id) => sessions.resolve(id),
  });
  const recheck = recheckStaffOnWrite({ keycloak: of.keycloak, realm: realm.name, role: settings.HELPDESK_ROLE });
  return { guard, recheck, proof, sessions, login, loginSealer: new Sealer(sessionSecret, 'helpdesk-login') };
};

/**
 * Ready when the store answers and Keycloak serves the realm, the connection's circuit is not open, and
 * Keycloak accepts the sidecar's own credentials: while it refuses them (401/403) the answer says
 * `unauthorized`, and each readiness probe tries one cheap admin call so a fixed secret shows at once.
 */
export const readinessChecks = ({ db, keycloak, realm }: RoutesOf): ReadinessCheck[] => [
  { name: 'store', check: () => db.ping() },
  {
    name: 'keycloak',
    check: async () => {
      const response = await fetch(`${realm.url}/.well-known/openid-configuration`, {
        signal: AbortSignal.timeout(3000),
      });
      if (!response.ok || keycloak.health.state === 'down') return false;
      if (keycloak.health.state === 'unauthorized') await probeAccess(keycloak);
      return keycloak.health.state === 'unauthorized' ? 'unauthorized' : true;
    },
  },
];

/** One admin call the sidecar's roles allow (view-realm), to learn whether Keycloak accepts it again. */
const probeAccess = (keycloak: KeycloakConnection) =>
  keycloak
    .call('readiness-probe', (client) => client.realms.findOne({ realm: keycloak.realm }), {})
    .catch(() => undefined);

const helpdeskActionsOf = ({
  settings,
  sidecarFile,
  keycloak,
  db,
  realm,
  notices,
  metrics,
  defaultLocale,
  recovery,
  completeUrl,
}: RoutesOf) =>
  new HelpdeskActions({
    rules: sidecarFile.helpdesk,
    protection: {
      // Staff roles are always protected, whatever the file lists.
      protectedRoles: [...sidecarFile.recovery.protectedRoles, settings.HELPDESK_ROLE, settings.HELPDESK_ADMIN_ROLE],
      protectedGroups: sidecarFile.recovery.protectedGroups,
    },
    onRefused: (reason) => metrics.helpdeskWritesRefused.inc({ reason }),
    keycloak,
    db,
    helpdeskRole: settings.HELPDESK_ROLE,
    adminRole: settings.HELPDESK_ADMIN_ROLE,
    realmDisplayName: realm.displayName,
    defaultLocale,
    notices,
    // The setup link is the recovery service's: its device is bound to a request and kept only once proven.
    setupLink: (userId) => recovery.sendSetupLink(userId),
    completion: { url: completeUrl, minutes: sidecarFile.recovery.completionWindowMinutes },
  });

/** The rollout dashboard's options: the admin role only, the deadline of sidecar.yaml. */
const rolloutOf = ({ db, realm, settings, sidecarFile }: RoutesOf) => ({
  db,
  realm: realm.name,
  realmDisplayName: realm.displayName,
  adminRole: settings.HELPDESK_ADMIN_ROLE,
  ...(sidecarFile.enforcement.deadline ? { deadline: sidecarFile.enforcement.deadline } : {}),
});

export const buildApp = (of: RoutesOf): Express => {
  const { settings, realm, db, logger } = of;
  const staff = staffAccess(of);
  const pages = endUserPages({
    realmDisplayName: realm.displayName,
    // The account console: it signs the user in through Keycloak's pages.
    signInUrl: `${realm.publicUrl}/account/`,
    realmDefaultLocale: of.defaultLocale,
  });
  const selfService = recoveryRouters({
    service: of.recovery,
    level: of.sidecarFile.recovery.level,
    completionWindowMinutes: of.sidecarFile.recovery.completionWindowMinutes,
    pages,
    logger,
    login: { publicRealmUrl: realm.publicUrl, realmUrl: realm.url, clientId: of.sidecarFile.recovery.clientId },
    sealer: new Sealer(settings.HELPDESK_SESSION_SECRET, 'recovery-proof'),
    completeUrl: of.completeUrl,
    catchUpEvents: () => of.feed.poll(),
  });
  const devices = devicesRouter(db, realm.name, of.mirror, () =>
    of.deviceFullSync('api').catch((error) => logger.warn({ err: (error as Error).message }, 'device sync failed')),
  );
  const staffOnly = (router: RequestHandler): RequestHandler[] => [staff.guard, router];
  return createApp({
    logger,
    metrics: of.metrics,
    ...(settings.TRUST_PROXY !== undefined ? { trustProxy: settings.TRUST_PROXY } : {}),
    readiness: readinessChecks(of),
    api: {
      '/compliance': staffOnly(
        complianceRouter({
          db,
          realm: realm.name,
          runEnforcement: () => of.runEnforcement(),
          adminRole: settings.HELPDESK_ADMIN_ROLE,
        }),
      ),
      '/users': staffOnly(devices.users),
      '/devices': staffOnly(devices.devices),
      '/sync': staffOnly(devices.sync),
      '/recovery': selfService.api,
      // Writes re-check the actor at Keycloak (enabled, role, session) before the helpdesk acts.
      '/helpdesk': [
        staff.guard,
        staff.recheck,
        helpdeskRouter(helpdeskActionsOf(of), realm.name, settings.HELPDESK_ADMIN_ROLE),
      ],
      '/rollout': staffOnly(rolloutApiRouter(rolloutOf(of))),
    },
    pages: {
      '/recovery': selfService.page,
      // "This wasn't me": public, rate limited per IP like /recovery
      '/notice': noticesRouter(of.notices, of.sidecarFile.recovery.rateLimit, pages),
      [END_USER_ASSETS]: endUserAssets(),
      '/helpdesk': helpdeskPage({
        sessions: staff.sessions,
        loginSealer: staff.loginSealer,
        login: staff.login,
        role: settings.HELPDESK_ROLE,
        proof: staff.proof,
        realmDisplayName: realm.displayName,
        publicUrl: of.publicUrl,
        logger,
        rollout: rolloutTab(rolloutOf(of)),
        realmDefaultLocale: of.defaultLocale,
      }),
    },
  });
};
