/**
 * The sidecar assembled from its settings: store, Keycloak connection, enforcement (full passes on a
 * schedule under a cluster-wide lock, new users within seconds), reminder delivery, and the HTTP API.
 */
import { type Server, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Settings } from './config/schema.js';
import { devicesRouter } from './devices/devices-api.js';
import { DeviceMirror, SyncAlreadyRunning } from './devices/mirror.js';
import { complianceRouter } from './enforcement/compliance-api.js';
import { enforcementPolicyOf, loadSidecarPolicy } from './enforcement/policy-file.js';
import { type ReconcileReport, Reconciler } from './enforcement/reconciler.js';
import { refreshOtpPresence } from './enforcement/records.js';
import { EventFeed } from './events/feed.js';
import { HelpdeskActions } from './helpdesk/actions.js';
import { helpdeskRouter } from './helpdesk/helpdesk-api.js';
import { closeInterrupted } from './helpdesk/intents.js';
import { helpdeskPage, SESSION_COOKIE } from './helpdesk-page/page.js';
import { StaffSessions } from './helpdesk-page/staff-sessions.js';
import { createApp } from './http/app.js';
import { realmUrlOf, requireRole, TokenVerifier } from './http/auth.js';
import { KeycloakConnection } from './keycloak/connection.js';
import { createTransport, drainDue } from './mail/outbox.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { RecoveryService } from './recovery/recovery.js';
import { recoveryRouters } from './recovery/recovery-api.js';
import { openStore, type SqlDatabase } from './store/index.js';
import { Sealer } from './util/seal.js';

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
  close(): Promise<void>;
}

/**
 * Runs `job` every `seconds`, never overlapping itself; errors go to `onError`, not thrown. `stop` ends
 * the schedule and resolves when the run in progress has finished.
 */
const every = (
  seconds: number,
  onError: (job: string, error: unknown) => void,
  name: string,
  job: () => Promise<unknown>,
) => {
  let current: Promise<void> | undefined;
  const timer = setInterval(() => {
    current ??= job()
      .then(
        () => undefined,
        (error) => onError(name, error),
      )
      .finally(() => {
        current = undefined;
      });
  }, seconds * 1000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await current;
    },
  };
};

export const startSidecar = async (settings: Settings, options: { inMemoryStore?: boolean } = {}): Promise<Sidecar> => {
  const logger = createLogger(settings.LOG_LEVEL);
  const metrics = createMetrics();
  // Aborted at shutdown: long passes stop at their next page (both resume or start over safely).
  const stopping = new AbortController();
  const jobFailed = (job: string, error: unknown) =>
    stopping.signal.aborted
      ? logger.info({ job }, 'stopped for shutdown')
      : logger.warn({ job, err: (error as Error).message }, 'periodic job failed');
  const policyFile = join(settings.REALM_CONFIG_DIR ?? join('realm-config', settings.KEYCLOAK_REALM), 'sidecar.yaml');
  const sidecarPolicy = loadSidecarPolicy(policyFile);
  const policy = enforcementPolicyOf(sidecarPolicy);
  const db = await openStore({
    ...(settings.DATABASE_URL ? { databaseUrl: settings.DATABASE_URL } : {}),
    ...(options.inMemoryStore ? {} : { dataDir: settings.SIDECAR_DATA_DIR }),
    waitSeconds: settings.DATABASE_WAIT_SECONDS,
    onWait: (error, retryInMs) => logger.warn({ err: error.message, retryInMs }, 'database not reachable yet; waiting'),
  });
  const keycloak = new KeycloakConnection({
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
  const realmUrl = realmUrlOf(settings.KEYCLOAK_URL, settings.KEYCLOAK_REALM);
  const reconciler = new Reconciler({
    keycloak,
    db,
    policy,
    logger,
    metrics,
    dryRun: settings.DRY_RUN,
    accountUrl: `${realmUrl}/account`,
    signal: stopping.signal,
  });
  const recovery = new RecoveryService({
    keycloak,
    db,
    logger,
    policy: sidecarPolicy.recovery,
    realmDisplayName: settings.KEYCLOAK_REALM,
    accountUrl: `${realmUrl}/account`,
  });
  const mirror = new DeviceMirror({
    keycloak,
    db,
    logger,
    onChanges: async (changes) => {
      await recovery.onDeviceChanges(changes);
      await refreshOtpPresence(db, settings.KEYCLOAK_REALM, [...new Set(changes.map((c) => c.owner.userId))]);
    },
    notify: sidecarPolicy.devices.notifyOwners,
    signal: stopping.signal,
    realmDisplayName: settings.KEYCLOAK_REALM,
    accountUrl: `${realmUrl}/account`,
  });
  const deviceSync = async (reason: string) => {
    logger.info({ reason }, 'device full sync');
    metrics.deviceFullSyncs.inc({ reason });
    const result = await db
      .withLock(`device-sync:${settings.KEYCLOAK_REALM}`, () => mirror.fullSync())
      .catch((error) => {
        if (!(error instanceof SyncAlreadyRunning)) throw error;
      });
    if (result) metrics.deviceLastFullSync.set(Date.now() / 1000);
  };
  const feed = new EventFeed(
    keycloak,
    db,
    {
      userCreated: async (id) => {
        await reconciler.runForUser(id);
        await mirror.syncUser(id);
      },
      userChanged: (id, reason) => mirror.syncUser(id, reason),
      fullSyncNeeded: (reason) => deviceSync(reason),
      resetRequested: (id, at) => recovery.open(id, 'keycloak-reset', at),
    },
    (seconds) => metrics.eventLagSeconds.set(seconds),
  );
  const publicKeycloakUrl = settings.KEYCLOAK_PUBLIC_URL ?? settings.KEYCLOAK_URL;
  const verifier = new TokenVerifier(
    settings.KEYCLOAK_URL,
    settings.KEYCLOAK_REALM,
    [...new Set([...settings.HELPDESK_TOKEN_CLIENTS, settings.HELPDESK_CLIENT_ID])],
    publicKeycloakUrl,
  );
  const sessionSecret = settings.HELPDESK_SESSION_SECRET ?? settings.SIDECAR_CLIENT_SECRET;
  const staffLogin = {
    publicRealmUrl: realmUrlOf(publicKeycloakUrl, settings.KEYCLOAK_REALM),
    realmUrl,
    clientId: settings.HELPDESK_CLIENT_ID,
  };
  const staffSessions = new StaffSessions({
    db,
    realm: settings.KEYCLOAK_REALM,
    sealer: new Sealer(sessionSecret, 'helpdesk-session'),
    verifier,
    login: staffLogin,
  });

  const helpdesk = requireRole(verifier, settings.HELPDESK_ROLE, {
    cookieName: SESSION_COOKIE,
    resolve: (id) => staffSessions.resolve(id),
  });
  const selfService = recoveryRouters(recovery, sidecarPolicy.recovery.rateLimit, logger);
  const devices = devicesRouter(db, settings.KEYCLOAK_REALM, mirror, () =>
    deviceSync('api').catch((error) => logger.warn({ err: (error as Error).message }, 'device sync failed')),
  );
  const app = createApp({
    logger,
    metrics,
    ...(settings.TRUST_PROXY !== undefined ? { trustProxy: settings.TRUST_PROXY } : {}),
    readiness: [
      { name: 'store', check: () => db.ping() },
      {
        name: 'keycloak',
        check: async () => {
          const response = await fetch(`${realmUrl}/.well-known/openid-configuration`, {
            signal: AbortSignal.timeout(3000),
          });
          return response.ok && keycloak.health.state !== 'down';
        },
      },
    ],
    api: {
      '/compliance': [
        helpdesk,
        complianceRouter({
          db,
          realm: settings.KEYCLOAK_REALM,
          runEnforcement: () => fullPass(),
          adminRole: settings.HELPDESK_ADMIN_ROLE,
        }),
      ],
      '/users': [helpdesk, devices.users],
      '/devices': [helpdesk, devices.devices],
      '/sync': [helpdesk, devices.sync],
      '/recovery': selfService.api,
      '/helpdesk': [
        helpdesk,
        helpdeskRouter(
          new HelpdeskActions({
            keycloak,
            db,
            helpdeskRole: settings.HELPDESK_ROLE,
            adminRole: settings.HELPDESK_ADMIN_ROLE,
            realmDisplayName: settings.KEYCLOAK_REALM,
            setupEmail: {
              lifespanSeconds: sidecarPolicy.recovery.linkLifespanMinutes * 60,
              clientId: sidecarPolicy.recovery.clientId,
              ...(sidecarPolicy.recovery.redirectUri ? { redirectUri: sidecarPolicy.recovery.redirectUri } : {}),
            },
          }),
          settings.KEYCLOAK_REALM,
        ),
      ],
    },
    pages: {
      '/recovery': selfService.page,
      '/helpdesk': helpdeskPage({
        sessions: staffSessions,
        loginSealer: new Sealer(sessionSecret, 'helpdesk-login'),
        login: staffLogin,
        role: settings.HELPDESK_ROLE,
        realmDisplayName: settings.KEYCLOAK_REALM,
        ...(settings.PUBLIC_URL ? { publicUrl: settings.PUBLIC_URL } : {}),
        logger,
      }),
    },
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(settings.PORT, settings.LISTEN_HOST, () => resolve(s));
  });
  // Requests Node refuses before express sees them (headers too large, malformed HTTP) still get JSON.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({
      error: status === 431 ? 'headers_too_large' : 'bad_request',
      message: status === 431 ? 'The request headers are too large' : 'The request could not be read',
    });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  const address = server.address() as AddressInfo;
  const host = settings.LISTEN_HOST === '0.0.0.0' ? '127.0.0.1' : settings.LISTEN_HOST;

  const fullPass = async () => {
    const report = await db.withLock(`enforcement:${settings.KEYCLOAK_REALM}`, () => reconciler.runFull());
    if (report) {
      metrics.reconcileRuns.inc({ outcome: 'ok' });
      metrics.reconcileWrites.inc(report.adminWrites);
      metrics.lastReconcile.set(Date.now() / 1000);
    }
    return report;
  };
  const jobs = [
    every(settings.RECONCILE_INTERVAL_SECONDS, jobFailed, 'enforcement', fullPass),
    every(settings.EVENT_POLL_INTERVAL_SECONDS, jobFailed, 'events', () => feed.poll()),
    every(settings.DEVICE_SYNC_INTERVAL_SECONDS, jobFailed, 'device-sync', () => deviceSync('schedule')),
    // Work a stopped or failed run left half done: recovery swaps, helpdesk actions without their audit entry.
    every(5, jobFailed, 'housekeeping', async () => {
      await recovery.completePending();
      await closeInterrupted(db, keycloak, settings.KEYCLOAK_REALM, settings.KEYCLOAK_REALM);
    }),
  ];
  let transport: ReturnType<typeof createTransport> | undefined;
  if (settings.SMTP_HOST) {
    const smtp = createTransport({
      host: settings.SMTP_HOST,
      port: settings.SMTP_PORT,
      secure: settings.SMTP_SECURE,
      requireTLS: settings.SMTP_STARTTLS,
      ...(settings.SMTP_USER ? { user: settings.SMTP_USER } : {}),
      ...(settings.SMTP_PASSWORD ? { password: settings.SMTP_PASSWORD } : {}),
      from: settings.SMTP_FROM,
    });
    transport = smtp;
    jobs.push(
      every(5, jobFailed, 'outbox', async () => {
        const { sent, failed } = await drainDue(db, smtp, settings.SMTP_FROM);
        if (sent) metrics.emailsSent.inc({ kind: 'any' }, sent);
        if (failed) metrics.emailFailures.inc(failed);
      }),
    );
  }
  // The event cursor is placed before the first full sync, so nothing between the two is missed.
  await feed.start();
  // The first pass runs in the background: the service answers /healthz while it works.
  const firstPass = Promise.all([fullPass(), deviceSync('start')]).then(
    () => undefined,
    (error) => {
      if (stopping.signal.aborted) return logger.info('first pass stopped for shutdown');
      metrics.reconcileRuns.inc({ outcome: 'error' });
      logger.warn({ err: (error as Error).message }, 'first enforcement pass failed; it will be retried');
    },
  );

  return {
    url: `http://${host}:${address.port}`,
    reconciler,
    feed,
    mirror,
    db,
    recovery,
    logger,
    firstPass,
    runEnforcement: fullPass,
    /**
     * Graceful stop: no new connections; requests in flight and the periodic job running finish (long
     * passes stop at their next page); after SHUTDOWN_TIMEOUT_SECONDS open connections are cut.
     */
    close: async () => {
      stopping.abort();
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const finished = Promise.all([serverClosed, firstPass, ...jobs.map((job) => job.stop())]).then(() => true);
      if (!(await Promise.race([finished, delay(settings.SHUTDOWN_TIMEOUT_SECONDS * 1000, false, { ref: false })]))) {
        logger.warn({ seconds: settings.SHUTDOWN_TIMEOUT_SECONDS }, 'shutdown bound reached; cutting open connections');
        server.closeAllConnections();
      }
      transport?.close();
      await keycloak.close();
      await db.close();
    },
  };
};
