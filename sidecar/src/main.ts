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
import { closeServer, listen } from './http/server.js';
import { deviceFullSync, enforcementPass, startJobs } from './jobs.js';
import { KeycloakConnection } from './keycloak/connection.js';
import { KeycloakUsers } from './keycloak/users.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { type RealmContext, realmContextOf } from './realm-context.js';
import { RecoveryService } from './recovery/recovery.js';
import { buildApp } from './routes.js';
import { openStore, type SqlDatabase } from './store/index.js';

export interface Sidecar {
  url: string;
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

const connectKeycloak = (settings: Settings, metrics: Metrics) =>
  new KeycloakConnection({
    baseUrl: settings.KEYCLOAK_URL,
    realm: settings.KEYCLOAK_REALM,
    clientId: settings.SIDECAR_CLIENT_ID,
    clientSecret: settings.SIDECAR_CLIENT_SECRET,
    concurrency: settings.KEYCLOAK_CONCURRENCY,
    timeoutMs: settings.KEYCLOAK_TIMEOUT_MS,
    onCall: (operation, outcome, seconds) => {
      metrics.keycloakCalls.inc({ operation, outcome });
      metrics.keycloakCallSeconds.observe({ operation }, seconds);
      metrics.keycloakUp.set(outcome === 'circuit_open' || outcome === 'retry_exhausted' ? 0 : 1);
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
  },
) => {
  const { sidecarFile, db, logger, metrics, realm, stopping } = base;
  const keycloak = connectKeycloak(settings, metrics);
  const reconciler = new Reconciler({
    keycloak,
    db,
    policy: enforcementPolicyOf(sidecarFile),
    logger,
    metrics,
    dryRun: settings.DRY_RUN,
    accountUrl: realm.accountUrl,
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
  });
  const mirror = new DeviceMirror({
    keycloak,
    db,
    logger,
    onChanges: deviceChangeSubscriber({
      recovery,
      db,
      realm: realm.name,
      linkOnly: clearLinkOnlyOnNewDevices(new KeycloakUsers(keycloak)),
    }),
    notify: sidecarFile.devices.notifyOwners,
    signal: stopping,
    realmDisplayName,
    accountUrl,
  });
  const runEnforcement = enforcementPass({ db, realm, reconciler, metrics });
  const syncDevices = deviceFullSync({ db, realm, mirror, metrics, logger });
  const feed = new EventFeed(
    keycloak,
    db,
    feedSubscribers({ reconciler, mirror, recovery, deviceFullSync: syncDevices }),
    (seconds) => metrics.eventLagSeconds.set(seconds),
  );
  return { ...base, keycloak, reconciler, recovery, mirror, feed, runEnforcement, deviceFullSync: syncDevices };
};

export const startSidecar = async (settings: Settings, options: { inMemoryStore?: boolean } = {}): Promise<Sidecar> => {
  const logger = createLogger(settings.LOG_LEVEL);
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
  const services = buildServices(settings, { sidecarFile, db, logger, metrics, realm, stopping: stopping.signal });
  const { keycloak, feed, runEnforcement } = services;
  const { server, url } = await listen(buildApp({ settings, ...services }), settings.PORT, settings.LISTEN_HOST);
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
      await closeServer(server, settings.SHUTDOWN_TIMEOUT_SECONDS, logger, () => [firstPass, jobs.stop()]);
      jobs.closeMail();
      await keycloak.close();
      await db.close();
    },
  };
};
