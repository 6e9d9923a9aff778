/**
 * Keeps the device mirror in step with Keycloak.
 * - `syncUser` re-reads one user's credentials (events only say *that* something changed; some carry no
 *   credential id) and records additions and removals; a deleted user's devices become removed.
 * - `fullSync` walks the realm's users a page at a time, reads credentials only of users whose
 *   representation says `totp`, and saves its position after every page, so an interrupted sync resumes.
 *   Devices not seen by a complete pass are confirmed user by user before being marked removed, so users
 *   who moved between pages during the walk are never removed by mistake.
 * Owners are told of every addition and removal by email (once per change, through the outbox), except
 * during the very first full sync, which only records what exists.
 */
import type CredentialRepresentation from '@keycloak/keycloak-admin-client/lib/defs/credentialRepresentation.js';
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import type { KeycloakConnection } from '../keycloak/connection.js';
import { localeOf } from '../keycloak/users.js';
import type { RealmDefaultLocale } from '../mail/compose.js';
import { enqueueEmail } from '../mail/outbox.js';
import type { ChangeNotices } from '../notices/notices.js';
import type { Logger } from '../observability/logger.js';
import type { SqlDatabase, SqlExecutor } from '../store/database.js';
import { readJobState, saveJobState } from '../store/job-state.js';
import { RealmService } from '../util/realm-service.js';
import { deviceChangeEmail } from './device-email.js';
import {
  type DeviceChange,
  type DeviceOwner,
  knownOwner,
  type ObservedUser,
  REMOVED_IN_KEYCLOAK,
  recordDevicesOfUsers,
  usersNotSeenSince,
} from './records.js';

export interface SyncState {
  /** the running or interrupted full sync */
  running?: { startedAt: string; offset: number };
  lastCompletedAt?: string;
  lastDurationSeconds?: number;
}

export class SyncAlreadyRunning extends Error {}

const STATE_KEY = (realm: string) => `device-sync:${realm}`;
const PAGE = 500;

const otpDevicesOf = (credentials: CredentialRepresentation[]) =>
  credentials
    .filter((c) => c.type === 'otp' && c.id)
    .map((c) => ({
      credentialId: c.id as string,
      type: c.type as string,
      ...(c.userLabel ? { label: c.userLabel } : {}),
      ...(c.createdDate ? { createdAt: new Date(c.createdDate) } : {}),
    }));

const ownerOf = (user: UserRepresentation): DeviceOwner => ({
  userId: user.id as string,
  username: user.username ?? '',
  ...(user.email ? { email: user.email } : {}),
  ...(localeOf(user) ? { locale: localeOf(user) } : {}),
});

/**
 * Whether the owner hears of a change. Devices that came with the account (imported, or created in the
 * same admin request, so within a moment of it; a person needs longer to scan a QR code) are not news.
 */
/** a device created this soon after its account was created with it (Keycloak: the same transaction) */
const SAME_REQUEST_MS = 100;

export const worthTelling = (change: DeviceChange, accountCreatedAt: number | undefined): boolean => {
  if (change.kind !== 'added' || accountCreatedAt === undefined) return true;
  const deviceCreatedAt = change.device.createdAt?.getTime();
  return deviceCreatedAt === undefined || deviceCreatedAt > accountCreatedAt + SAME_REQUEST_MS;
};

export interface DeviceMirrorOptions {
  keycloak: KeycloakConnection;
  db: SqlDatabase;
  logger: Logger;
  /** email owners when a device is added or removed */
  notify: boolean;
  realmDisplayName: string;
  accountUrl: string;
  /** the language of owners without a `locale` attribute */
  defaultLocale?: RealmDefaultLocale;
  /** aborted when the sidecar shuts down: a running full sync stops at the next page and resumes later */
  signal?: AbortSignal;
  /** gives each notice its "This wasn't me" link and sends it to every address on file */
  notices?: ChangeNotices;
  /** called with the changes a per-user sync found (recovery completes on them) */
  onChanges?: (changes: DeviceChange[]) => Promise<void>;
  /** users per page of the full sync (its position is saved after each) */
  pageSize?: number;
  now?: () => Date;
}

export class DeviceMirror extends RealmService<DeviceMirrorOptions> {
  private running = false;

  async state(): Promise<SyncState> {
    return (await readJobState<SyncState>(this.options.db, STATE_KEY(this.realm))) ?? {};
  }

  private async saveState(state: SyncState) {
    await saveJobState(this.options.db, STATE_KEY(this.realm), state);
  }

  get isRunning() {
    return this.running;
  }

  /** Records the devices a user has now (from a fresh read), and tells the owner of changes. */
  async syncUser(userId: string, reason = REMOVED_IN_KEYCLOAK): Promise<DeviceChange[]> {
    const user = await this.users.getIfExists(userId);
    if (!user?.id) {
      const owner = await knownOwner(this.options.db, this.realm, userId);
      return owner ? this.record([{ owner, devices: [] }], 'account deleted', true) : [];
    }
    const credentials = await this.users.credentials(userId);
    const changes = await this.record(
      [{ owner: ownerOf(user), devices: otpDevicesOf(credentials), accountCreatedAt: user.createdTimestamp }],
      reason,
      true,
    );
    if (changes.length > 0) await this.options.onChanges?.(changes);
    return changes;
  }

  /** Records users' devices in one transaction, with the owners' notifications. */
  private async record(
    observed: (ObservedUser & { accountCreatedAt?: number | undefined })[],
    reason: string,
    notify: boolean,
  ): Promise<DeviceChange[]> {
    const at = this.now();
    const createdAt = new Map(observed.map((o) => [o.owner.userId, o.accountCreatedAt]));
    const telling = notify && this.options.notify;
    // Read before the transaction (cached; at most one Keycloak call every few minutes).
    const realmDefaultLocale = telling ? await this.options.defaultLocale?.() : undefined;
    return this.options.db.transaction(async (tx) => {
      const changes = await recordDevicesOfUsers(tx, this.realm, observed, at, reason);
      if (telling)
        for (const change of changes)
          if (change.owner.email && worthTelling(change, createdAt.get(change.owner.userId)))
            await this.tell(tx, change, realmDefaultLocale);
      return changes;
    });
  }

  /** Queues the owner's notice of a change: with its cancel link, to every address, when notices are on. */
  private async tell(tx: SqlExecutor, change: DeviceChange, realmDefaultLocale: string | undefined) {
    const context = {
      realm: this.realm,
      realmDisplayName: this.options.realmDisplayName,
      accountUrl: this.options.accountUrl,
      realmDefaultLocale,
    };
    const { notices } = this.options;
    if (!notices) return void (await enqueueEmail(tx, deviceChangeEmail(change, context)));
    const added = change.kind === 'added';
    const notice = {
      userId: change.owner.userId,
      kind: added ? ('device-added' as const) : ('device-removed' as const),
      ...(added ? { newCredentialId: change.device.credentialId } : {}),
    };
    await notices.announce(tx, notice, change.owner.email, (cancelUrl) =>
      deviceChangeEmail(change, { ...context, cancelUrl }),
    );
  }

  /** A full pass; resumes an interrupted one. Throws SyncAlreadyRunning when one runs in this process. */
  async fullSync(): Promise<{ users: number; withOtp: number; changes: number; resumed: boolean }> {
    if (this.running) throw new SyncAlreadyRunning('a full sync is already running');
    this.running = true;
    try {
      const { logger } = this.options;
      const previous = await this.state();
      const resumed = Boolean(previous.running);
      const startedAt = previous.running ? new Date(previous.running.startedAt) : this.now();
      // The first complete sync records what exists without telling every owner about it.
      const notify = Boolean(previous.lastCompletedAt);
      const offset = previous.running?.offset ?? 0;
      let position = offset;
      let users = 0;
      let withOtp = 0;
      let changes = 0;
      for await (const page of this.users.pages({
        pageSize: this.options.pageSize ?? PAGE,
        from: offset,
        signal: this.options.signal,
      })) {
        const holders = page.filter((u) => u.totp && u.id);
        const observed = await Promise.all(
          holders.map(async (user) => ({
            owner: ownerOf(user),
            devices: otpDevicesOf(await this.users.credentials(user.id as string)),
            accountCreatedAt: user.createdTimestamp,
          })),
        );
        // The page is written in one transaction of a few statements, not one per user.
        changes += (await this.record(observed, REMOVED_IN_KEYCLOAK, notify)).length;
        users += page.length;
        withOtp += holders.length;
        position += page.length;
        await this.saveState({ ...previous, running: { startedAt: startedAt.toISOString(), offset: position } });
        if (page.length < (this.options.pageSize ?? PAGE)) break;
      }
      // Devices the walk did not see: confirm with a fresh read before calling them removed.
      for (const userId of await usersNotSeenSince(this.options.db, this.realm, startedAt)) {
        this.options.signal?.throwIfAborted();
        changes += (await this.syncUser(userId)).length;
      }
      const finished = this.now();
      await this.saveState({
        lastCompletedAt: finished.toISOString(),
        lastDurationSeconds: (finished.getTime() - startedAt.getTime()) / 1000,
      });
      logger.info({ users, withOtp, changes, resumed }, 'device full sync done');
      return { users, withOtp, changes, resumed };
    } finally {
      this.running = false;
    }
  }
}
