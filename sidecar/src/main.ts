/**
 * The sidecar assembled from its settings: the services built once (store, Keycloak connection,
 * enforcement, device mirror, recovery, event feed), then the routes (routes.ts), the server
 * (http/server.ts), the periodic work (jobs.ts), and who hears which event (events/subscribers.ts).
 */
import { join } from 'node:path';
import type { Settings } from './config/schema.js';
import { enforcementPolicyOf, loadSidecarFile, type SidecarFile } from './config/sidecar-file.js';
import { DeviceMirror } from './devices/mirror.js';
import { type ReconcileReport, Reconciler } from './enforcement/reconciler.js';
import { EventFeed } from './events/feed.js';
import { deviceChangeSubscriber, feedSubscribers } from './events/subscribers.js';
import { clearLinkOnlyOnNewDevices } from './helpdesk/enrolment.js';
import { createManagementApp } from './http/app.js';
import { closeServer, listen } from './http/server.js';
import { deviceFullSync, enforcementPass, startJobs } from './jobs.js';
import { KeycloakConnection } from './keycloak/connection.js';
import { realmSettingsReader } from './keycloak/realm-settings.js';
import { KeycloakUsers } from './keycloak/users.js';
import { NoticeService } from './notices/notices.js';
import { isAnonymousWork } from './observability/anonymous.js';
import { createLogger, type Logger, logDestination } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { type RealmContext, realmContextOf } from './realm-context.js';
import { RecoveryService } from './recovery/recovery.js';
import { takeSnapshot } from './rollout/rollout.js';
import { buildApp, readinessChecks } from './routes.js';
import { openStore, type SqlDatabase } from './store/index.js';

export interface Sidecar {
  /** the public listener: API, pages, /healthz, /readyz (status only) */
  url: string;
  /** the management listener: /metrics, /readyz with each check */
  managementUrl: string;
  reconciler: Reconciler;
  feed: EventFeed;
  mirror: DeviceMirror;
  db: SqlDatabase;
  recovery: RecoveryService;
  /** the first enforcement pass, started with the service */
  firstPass: Promise<void>;
  /** a full pass now, under the cluster-wide lock (undefined when another replica holds it) */
  runEnforcement(): Promise<ReconcileReport | undefined>;
  logger: Logger;
  /** the counters /metrics serves (tests read them without the listener) */
  metrics: Metrics;
  close(): Promise<void>;
}

const connectKeycloak = (settings: Settings, metrics: Metrics, logger: Logger) =>
  new KeycloakConnection({
    baseUrl: settings.KEYCLOAK_URL,
    realm: settings.KEYCLOAK_REALM,
    clientId: settings.SIDECAR_CLIENT_ID,
    clientSecret: settings.SIDECAR_CLIENT_SECRET,
    concurrency: settings.KEYCLOAK_CONCURRENCY,
    timeoutMs: settings.KEYCLOAK_TIMEOUT_MS,
    onCall: (operation, outcome, seconds) => {
      // Up while calls get an answer Keycloak means (a refused client secret, 'unauthorized', is down).
      metrics.keycloakUp.set(outcome === 'ok' || outcome === 'client_error' ? 1 : 0);
      // Calls made for anonymous callers are not counted: how many there are depends on whether the
      // account exists (observability/anonymous.ts).
      if (isAnonymousWork()) return;
      metrics.keycloakCalls.inc({ operation, outcome });
      metrics.keycloakCallSeconds.observe({ operation }, seconds);
    },
    onAccessChange: (refused) => {
      if (refused) logger.error({ fix: 'check SIDECAR_CLIENT_SECRET' }, refused);
      else logger.info('Keycloak accepts the sidecar client again');
    },
  });

/** The services of the realm, each built once; `stopping` ends their long passes at the next page. */
const buildServices = (
  settings: Settings,
  base: {
    sidecarFile: SidecarFile;
    db: SqlDatabase;
    logger: Logger;
    metrics: Metrics;
    realm: RealmContext;
    stopping: AbortSignal;
    /** the sidecar's public base URL: PUBLIC_URL, else where it listens (known once it does) */
    publicUrl: () => string;
    /** where recovery links return to (sidecar.yaml's redirectUri, else the public URL's /recovery/complete) */
    completeUrl: () => string;
    /** the clock of recovery and notices (windows, cooling-off, link expiry); tests move it */
    now?: (() => Date) | undefined;
  },
) => {
  const { sidecarFile, db, logger, metrics, realm, stopping } = base;
  const clock = base.now ? { now: base.now } : {};
  const keycloak = connectKeycloak(settings, metrics, logger);
  const realmSettings = realmSettingsReader(keycloak);
  // Emails go out in the owner's `locale`, else in the realm's default locale (cached), else in English.
  const defaultLocale = async () => (await realmSettings()).defaultLocale;
  const notices = new NoticeService({
    keycloak,
    db,
    logger,
    realmDisplayName: realm.displayName,
    defaultLocale,
    publicUrl: base.publicUrl,
    cancelLinkDays: sidecarFile.notices.cancelLinkDays,
    extraAddressAttribute: sidecarFile.notices.extraAddressAttribute,
    ...clock,
  });
  const reconciler = new Reconciler({
    keycloak,
    db,
    policy: enforcementPolicyOf(sidecarFile),
    logger,
    metrics,
    dryRun: settings.DRY_RUN,
    accountUrl: realm.accountUrl,
    defaultLocale,
    signal: stopping,
    staffRoles: [settings.HELPDESK_ROLE, settings.HELPDESK_ADMIN_ROLE],
  });
  const { displayName: realmDisplayName, accountUrl } = realm;
  const recovery = new RecoveryService({
    keycloak,
    db,
    logger,
    rules: sidecarFile.recovery,
    realmDisplayName,
    accountUrl,
    defaultLocale,
    notices,
    completeUrl: base.completeUrl,
    ...clock,
  });
  // "This wasn't me" also stops a recovery's pending retirement and removes the device it brought.
  notices.useRecovery(recovery);
  const mirror = new DeviceMirror({
    keycloak,
    db,
    logger,
    onChanges: deviceChangeSubscriber({
      db,
      realm: realm.name,
      linkOnly: clearLinkOnlyOnNewDevices(new KeycloakUsers(keycloak)),
    }),
    notify: sidecarFile.devices.notifyOwners,
    signal: stopping,
    realmDisplayName,
    accountUrl,
    defaultLocale,
    notices,
  });
  const policy = enforcementPolicyOf(sidecarFile);
  const afterPass = () => takeSnapshot({ db, keycloak, policy });
  const runEnforcement = enforcementPass({ db, realm, reconciler, metrics, afterPass, logger });
  const syncDevices = deviceFullSync({ db, realm, mirror, metrics, logger });
  const feed = new EventFeed(
    keycloak,
    db,
    feedSubscribers({ reconciler, mirror, recovery, deviceFullSync: syncDevices }),
    (seconds) => metrics.eventLagSeconds.set(seconds),
  );
  return {
    ...base,
    keycloak,
    realmSettings,
    defaultLocale,
    reconciler,
    recovery,
    mirror,
    notices,
    feed,
    runEnforcement,
    deviceFullSync: syncDevices,
  };
};

/**
 * The two listeners: the public one (its app built once its address is known, so links use PUBLIC_URL or
 * that address, never a caller's Host header) and the management one (/metrics, detailed readiness).
 */
const serve = async (settings: Settings, services: ReturnType<typeof buildServices>) => {
  const publicListener = await listen(settings.PORT, settings.LISTEN_HOST, {
    requestTimeoutSeconds: settings.HTTP_REQUEST_TIMEOUT_SECONDS,
    headersTimeoutSeconds: settings.HTTP_HEADERS_TIMEOUT_SECONDS,
    keepAliveTimeoutSeconds: settings.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS,
    maxConnections: settings.HTTP_MAX_CONNECTIONS,
  });
  const publicUrl = settings.PUBLIC_URL ?? publicListener.url;
  const routesOf = { settings, ...services, publicUrl };
  publicListener.serve(buildApp(routesOf));
  const management = await listen(settings.METRICS_PORT, settings.METRICS_HOST);
  const { logger, metrics } = services;
  management.serve(createManagementApp({ logger, metrics, readiness: readinessChecks(routesOf) }));
  return { server: publicListener.server, url: publicListener.url, management };
};

export const startSidecar = async (
  settings: Settings,
  options: { inMemoryStore?: boolean; now?: () => Date } = {},
): Promise<Sidecar> => {
  const logger = createLogger(settings.LOG_LEVEL, logDestination(settings.LOG_FORMAT));
  const metrics = createMetrics();
  // Aborted at shutdown: long passes stop at their next page (both resume or start over safely).
  const stopping = new AbortController();
  const realm = realmContextOf(settings);
  const sidecarFile = loadSidecarFile(
    join(settings.REALM_CONFIG_DIR ?? join('realm-config', realm.name), 'sidecar.yaml'),
  );
  const db = await openStore({
    ...(settings.DATABASE_URL ? { databaseUrl: settings.DATABASE_URL } : {}),
    ...(options.inMemoryStore ? {} : { dataDir: settings.SIDECAR_DATA_DIR }),
    waitSeconds: settings.DATABASE_WAIT_SECONDS,
    onWait: (error, retryInMs) => logger.warn({ err: error.message, retryInMs }, 'database not reachable yet; waiting'),
  });
  // Links in emails are built on PUBLIC_URL, never on a request's Host header; without it, on where we listen.
  let listening = '';
  const publicUrl = () => (settings.PUBLIC_URL ?? listening).replace(/\/+$/, '');
  const completeUrl = () => sidecarFile.recovery.redirectUri ?? `${publicUrl()}/recovery/complete`;
  const services = buildServices(settings, {
    sidecarFile,
    db,
    logger,
    metrics,
    realm,
    stopping: stopping.signal,
    publicUrl,
    completeUrl,
    now: options.now,
  });
  const { keycloak, feed, runEnforcement } = services;
  const { server, url, management } = await serve(settings, services);
  listening = url;
  const jobs = startJobs({ settings, ...services, stopping: stopping.signal });
  // The event cursor is placed before the first full sync, so nothing between the two is missed.
  await feed.start();
  // The first pass runs in the background: the service answers /healthz while it works.
  const firstPass = Promise.all([runEnforcement(), services.deviceFullSync('start')]).then(
    () => undefined,
    (error) => {
      if (stopping.signal.aborted) return logger.info('first pass stopped for shutdown');
      metrics.reconcileRuns.inc({ outcome: 'error' });
      logger.warn({ err: (error as Error).message }, 'first enforcement pass failed; it will be retried');
    },
  );

  const { reconciler, mirror, recovery } = services;
  return {
    url,
    managementUrl: management.url,
    reconciler,
    feed,
    mirror,
    db,
    recovery,
    logger,
    metrics,
    firstPass,
    runEnforcement,
    /**
     * Graceful stop: no new connections; requests in flight and the periodic job running finish (long
     * passes stop at their next page); after SHUTDOWN_TIMEOUT_SECONDS open connections are cut.
     */
    close: async () => {
      stopping.abort();
      await Promise.all([
        closeServer(server, settings.SHUTDOWN_TIMEOUT_SECONDS, logger, () => [firstPass, jobs.stop()]),
        closeServer(management.server, settings.SHUTDOWN_TIMEOUT_SECONDS, logger, () => []),
      ]);
      jobs.closeMail();
      await keycloak.close();
      await db.close();
    },
  };
};
