/**
 * The sidecar's periodic work: the `every` scheduler, the two full passes (also started by the API and at
 * start), and the job list. Each job runs on one replica at a time where it takes a cluster-wide lock.
 */
import type { Settings } from './config/schema.js';
import { type DeviceMirror, SyncAlreadyRunning } from './devices/mirror.js';
import type { ReconcileReport, Reconciler } from './enforcement/reconciler.js';
import type { EventFeed } from './events/feed.js';
import { closeInterrupted } from './helpdesk/intents.js';
import type { KeycloakConnection } from './keycloak/connection.js';
import { KeycloakUsers } from './keycloak/users.js';
import type { RealmDefaultLocale } from './mail/compose.js';
import { createTransport, drainDue } from './mail/outbox.js';
import type { ChangeNotices } from './notices/notices.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { RealmContext } from './realm-context.js';
import type { RecoveryService } from './recovery/recovery.js';
import type { SqlDatabase } from './store/database.js';

type OnJobError = (job: string, error: unknown) => void;

/**
 * Runs `job` every `seconds`, never overlapping itself; errors go to `onError`, not thrown. `stop` ends
 * the schedule and resolves when the run in progress has finished.
 */
export const every = (seconds: number, onError: OnJobError, name: string, job: () => Promise<unknown>) => {
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

/**
 * A full enforcement pass under the cluster-wide lock (undefined when another replica holds it), then
 * `afterPass` (the rollout's daily snapshot) under the same lock: its failure is logged, the pass stands.
 */
export const enforcementPass =
  (of: {
    db: SqlDatabase;
    realm: RealmContext;
    reconciler: Reconciler;
    metrics: Metrics;
    afterPass?: () => Promise<unknown>;
    logger?: Logger;
  }) =>
  async (): Promise<ReconcileReport | undefined> => {
    const report = await of.db.withLock(`enforcement:${of.realm.name}`, async () => {
      const done = await of.reconciler.runFull();
      await of
        .afterPass?.()
        .catch((error) => of.logger?.warn({ err: (error as Error).message }, 'rollout snapshot failed'));
      return done;
    });
    if (report) {
      of.metrics.reconcileRuns.inc({ outcome: 'ok' });
      of.metrics.reconcileWrites.inc(report.adminWrites);
      of.metrics.lastReconcile.set(Date.now() / 1000);
    }
    return report;
  };

/** A full device sync under the cluster-wide lock; one already running (here or on another replica) is no error. */
export const deviceFullSync =
  (of: { db: SqlDatabase; realm: RealmContext; mirror: DeviceMirror; metrics: Metrics; logger: Logger }) =>
  async (reason: string): Promise<void> => {
    of.logger.info({ reason }, 'device full sync');
    of.metrics.deviceFullSyncs.inc({ reason });
    const result = await of.db
      .withLock(`device-sync:${of.realm.name}`, () => of.mirror.fullSync())
      .catch((error) => {
        if (!(error instanceof SyncAlreadyRunning)) throw error;
      });
    if (result) of.metrics.deviceLastFullSync.set(Date.now() / 1000);
  };

export interface JobsOf {
  settings: Settings;
  realm: RealmContext;
  db: SqlDatabase;
  keycloak: KeycloakConnection;
  feed: EventFeed;
  recovery: RecoveryService;
  notices?: ChangeNotices;
  /** the realm's default locale: the language of interrupted helpdesk actions' notices */
  defaultLocale: RealmDefaultLocale;
  metrics: Metrics;
  logger: Logger;
  runEnforcement: () => Promise<unknown>;
  deviceFullSync: (reason: string) => Promise<unknown>;
  /** aborted at shutdown: a job failing then is logged as stopped, not as failed */
  stopping: AbortSignal;
}

/** Delivers the outbox every 5 seconds, when SMTP is configured; `close` ends the SMTP connection pool. */
const outboxJob = ({ settings, db, metrics }: JobsOf, onError: OnJobError) => {
  if (!settings.SMTP_HOST) return undefined;
  const smtp = createTransport({
    host: settings.SMTP_HOST,
    port: settings.SMTP_PORT,
    secure: settings.SMTP_SECURE,
    requireTLS: settings.SMTP_STARTTLS,
    ...(settings.SMTP_USER ? { user: settings.SMTP_USER } : {}),
    ...(settings.SMTP_PASSWORD ? { password: settings.SMTP_PASSWORD } : {}),
    from: settings.SMTP_FROM,
  });
  const job = every(5, onError, 'outbox', async () => {
    const { sent, failed } = await drainDue(db, smtp, settings.SMTP_FROM);
    if (sent) metrics.emailsSent.inc({ kind: 'any' }, sent);
    if (failed) metrics.emailFailures.inc(failed);
  });
  return { job, close: () => smtp.close() };
};

/** Starts the job list. `stop` resolves when every job's run in progress has finished; then `closeMail`. */
export const startJobs = (of: JobsOf) => {
  const { settings, realm, logger } = of;
  const users = new KeycloakUsers(of.keycloak);
  const onError: OnJobError = (job, error) =>
    of.stopping.aborted
      ? logger.info({ job }, 'stopped for shutdown')
      : logger.warn({ job, err: (error as Error).message }, 'periodic job failed');
  const jobs = [
    every(settings.RECONCILE_INTERVAL_SECONDS, onError, 'enforcement', of.runEnforcement),
    every(settings.EVENT_POLL_INTERVAL_SECONDS, onError, 'events', () => of.feed.poll()),
    every(settings.DEVICE_SYNC_INTERVAL_SECONDS, onError, 'device-sync', () => of.deviceFullSync('schedule')),
    // Work a stopped or failed run left half done: recovery swaps, helpdesk actions without their audit entry.
    every(5, onError, 'housekeeping', async () => {
      await of.recovery.completePending();
      await closeInterrupted({
        db: of.db,
        users,
        realm: realm.name,
        realmDisplayName: realm.displayName,
        defaultLocale: of.defaultLocale,
        ...(of.notices ? { notices: of.notices } : {}),
      });
    }),
  ];
  const outbox = outboxJob(of, onError);
  if (outbox) jobs.push(outbox.job);
  return {
    stop: async () => {
      await Promise.all(jobs.map((job) => job.stop()));
    },
    closeMail: () => outbox?.close(),
  };
};
