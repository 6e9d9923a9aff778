/**
 * Follows the realm's user events and admin events in time order (epoch-millisecond `dateFrom`,
 * ascending), from a cursor kept in the store: the time of the last event handled and the ids of the
 * events at that very millisecond, so events sharing a timestamp are neither skipped nor applied twice.
 * The sidecar's own admin writes are ignored. When events are off or the cursor has fallen behind the
 * realm's retention, the feed asks for a full sync instead and says why.
 */
import type AdminEventRepresentation from '@keycloak/keycloak-admin-client/lib/defs/adminEventRepresentation.js';
import type EventRepresentation from '@keycloak/keycloak-admin-client/lib/defs/eventRepresentation.js';
import { REMOVED_IN_KEYCLOAK } from '../devices/records.js';
import type { KeycloakConnection } from '../keycloak/connection.js';
import { KeycloakEvents } from '../keycloak/events.js';
import type { SqlDatabase } from '../store/database.js';
import { readJobState, saveJobState } from '../store/job-state.js';

export interface FeedHandlers {
  userCreated(userId: string): Promise<unknown>;
  /** something about the user's credentials may have changed (or the user is gone) */
  userChanged(userId: string, reason: string): Promise<unknown>;
  fullSyncNeeded(reason: string): Promise<unknown>;
  /** Keycloak sent the user a "Forgot password?" email at this time */
  resetRequested(userId: string, at: Date): Promise<unknown>;
  /** the user set up a credential or a password, through this client (after `userChanged` for the same event) */
  userActed(
    userId: string,
    event: { type: string; clientId?: string; at: Date; credentialType?: string },
  ): Promise<unknown>;
}

/** Events whose client matters to recovery: the link's device is the one made through the recovery client. */
const ACTED_TYPES = new Set(['UPDATE_CREDENTIAL', 'UPDATE_PASSWORD']);

export interface Cursor {
  time: number;
  seen: string[];
}

/**
 * User event types after which a user's OTP devices may differ. Keycloak 26 records no event when a
 * reset link's "Reset OTP" step removes devices, and no `RESET_PASSWORD` / `EXECUTE_ACTIONS` success
 * events on link paths (contract §9, §11): such a removal is found when the user's credentials are re-read
 * at the next of these events (the new device's `UPDATE_CREDENTIAL`) or at the next full sync.
 */
export const CREDENTIAL_EVENT_TYPES = new Set([
  'UPDATE_CREDENTIAL',
  'REGISTER_CREDENTIAL',
  'REMOVE_CREDENTIAL',
  'UPDATE_TOTP',
  'REMOVE_TOTP',
  'DELETE_ACCOUNT',
]);

/** User event types that say the user removed a credential themselves (the account console). */
const USER_REMOVAL_TYPES = new Set(['REMOVE_CREDENTIAL', 'REMOVE_TOTP']);

/**
 * Why a device the sync finds gone was removed, as far as the event that led to the sync says. Other
 * events (a new device's `UPDATE_CREDENTIAL`, an admin update of the user) do not say who removed it —
 * it may be a reset link's "Reset OTP" step, which records no event — so the reason is the full sync's.
 */
export const userRemovalReason = (type: string) =>
  USER_REMOVAL_TYPES.has(type) ? 'removed by the user' : REMOVED_IN_KEYCLOAK;
/** an admin's removal of one credential (Keycloak records it as an `ACTION` on this path) */
const ADMIN_CREDENTIAL_PATH = /^users\/[^/]+\/credentials\/[^/]+$/;
export const adminRemovalReason = (e: AdminEventRepresentation) =>
  (e.operationType === 'ACTION' || e.operationType === 'DELETE') && ADMIN_CREDENTIAL_PATH.test(e.resourcePath ?? '')
    ? 'removed by an administrator'
    : REMOVED_IN_KEYCLOAK;

const USER_PATH = /^users\/([0-9a-fA-F-]{8,})(\/.*)?$/;

/** the kind of an event that asks for nothing (a login, the sidecar's own write): it only moves the cursor */
const IGNORED = 'ignored';

type FeedEvent = {
  id: string;
  time: number;
  userId: string;
  /** what the event asks for; consecutive equal kinds for one user need doing once; IGNORED: nothing */
  kind: string;
  apply: () => Promise<unknown> | undefined;
};

/**
 * The events not handled yet, in time order, and the cursor after them. The events API filters by
 * millisecond (`dateFrom` is inclusive), so the cursor keeps the ids seen at its millisecond: another
 * event of that same millisecond is new, one seen before is not applied twice.
 */
export const unseenEvents = <E extends { id: string; time: number }>(events: E[], cursor: Cursor) => {
  let next: Cursor = { time: cursor.time, seen: [...cursor.seen] };
  const fresh: E[] = [];
  for (const event of [...events].sort((a, b) => a.time - b.time)) {
    if (event.time < next.time || (event.time === next.time && next.seen.includes(event.id))) continue;
    fresh.push(event);
    next =
      event.time === next.time
        ? { time: next.time, seen: [...next.seen, event.id] }
        : { time: event.time, seen: [event.id] };
  }
  return { fresh, next };
};

/**
 * Applies events in time order per user, users side by side (at most `concurrency` at once): a user's
 * reset request still comes before the device it leads to, while a burst of changes across many users
 * does not queue behind one another. Repeats of the same kind for one user in a row are applied once —
 * the handlers re-read the user's current state anyway; a change's kind holds its removal reason, so a
 * removal the user made is not told with the reason of a later event.
 */
export const applyInUserOrder = async (events: FeedEvent[], concurrency: number): Promise<void> => {
  const byUser = new Map<string, FeedEvent[]>();
  for (const event of events) {
    if (event.kind === IGNORED) continue;
    const queue = byUser.get(event.userId) ?? [];
    if (queue.at(-1)?.kind !== event.kind) queue.push(event);
    else queue[queue.length - 1] = event;
    byUser.set(event.userId, queue);
  }
  const queues = [...byUser.values()];
  const worker = async () => {
    for (let queue = queues.shift(); queue; queue = queues.shift()) for (const event of queue) await event.apply();
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queues.length) }, worker));
};

/** What a user event asks for: a new account, a reset request, a credential change, or nothing. */
const userFeedEvent = (e: EventRepresentation, handlers: FeedHandlers): FeedEvent | undefined => {
  const userId = e.userId;
  const type = e.type;
  if (!userId || !type) return undefined;
  const reason = userRemovalReason(type);
  const id = `u:${(e as { id?: string }).id ?? `${e.time}:${type}:${userId}`}`;
  if (ACTED_TYPES.has(type)) return actedFeedEvent(e, { id, userId, type, reason }, handlers);
  const apply =
    type === 'REGISTER'
      ? () => handlers.userCreated(userId)
      : type === 'SEND_RESET_PASSWORD'
        ? () => handlers.resetRequested(userId, new Date(e.time ?? Date.now()))
        : CREDENTIAL_EVENT_TYPES.has(type)
          ? () => handlers.userChanged(userId, reason)
          : () => undefined;
  return {
    id,
    time: e.time ?? 0,
    userId,
    kind:
      type === 'REGISTER' || type === 'SEND_RESET_PASSWORD'
        ? type
        : CREDENTIAL_EVENT_TYPES.has(type)
          ? `changed: ${reason}`
          : IGNORED,
    apply,
  };
};

/**
 * A credential or password set up by the user: the mirror re-reads a credential change first, then the event
 * with its client goes on (recovery binds a link's device by it). Its kind is its own, never folded into a
 * neighbour's: each such event counts.
 */
const actedFeedEvent = (
  e: EventRepresentation,
  of: { id: string; userId: string; type: string; reason: string },
  handlers: FeedHandlers,
): FeedEvent => ({
  id: of.id,
  time: e.time ?? 0,
  userId: of.userId,
  kind: `acted: ${of.id}`,
  apply: async () => {
    if (CREDENTIAL_EVENT_TYPES.has(of.type)) await handlers.userChanged(of.userId, of.reason);
    const credentialType = e.details?.credential_type;
    await handlers.userActed(of.userId, {
      type: of.type,
      at: new Date(e.time ?? Date.now()),
      ...(e.clientId ? { clientId: e.clientId } : {}),
      ...(credentialType ? { credentialType } : {}),
    });
  },
});

/** What an admin event on a user asks for: a new account, a change, or nothing when the sidecar made it. */
const adminFeedEvent = (
  e: AdminEventRepresentation,
  handlers: FeedHandlers,
  own: string | undefined,
): FeedEvent | undefined => {
  const match = USER_PATH.exec(e.resourcePath ?? '');
  const userId = match?.[1];
  if (!userId) return undefined;
  const mine = own !== undefined && e.authDetails?.userId === own;
  const created = e.operationType === 'CREATE' && !match?.[2];
  const reason = adminRemovalReason(e);
  const apply = mine
    ? () => undefined
    : created
      ? () => handlers.userCreated(userId)
      : () => handlers.userChanged(userId, reason);
  return {
    id: `a:${(e as { id?: string }).id ?? `${e.time}:${e.resourcePath}`}`,
    time: e.time ?? 0,
    userId,
    kind: mine ? IGNORED : created ? 'REGISTER' : `changed: ${reason}`,
    apply,
  };
};

export class EventFeed {
  private cursor?: Cursor;
  private polls = 0;
  private readonly events: KeycloakEvents;

  constructor(
    private readonly keycloak: KeycloakConnection,
    private readonly db: SqlDatabase,
    private readonly handlers: FeedHandlers,
    private readonly onLag: (seconds: number) => void = () => {},
    /** users whose events are applied side by side */
    private readonly concurrency = 8,
  ) {
    this.events = new KeycloakEvents(keycloak);
  }

  private get key() {
    return `event-cursor:${this.keycloak.realm}`;
  }

  /**
   * Loads the cursor, or on a first start places it at now and saves it. Call it before the first full
   * sync starts: the sync covers what happened before, the feed everything after, with no gap between.
   */
  async start(): Promise<Cursor> {
    if (this.cursor) return this.cursor;
    const saved = await readJobState<Cursor>(this.db, this.key);
    if (saved) this.cursor = saved;
    else await this.saveCursor({ time: Date.now(), seen: [] });
    return this.cursor as Cursor;
  }

  private async saveCursor(cursor: Cursor) {
    this.cursor = cursor;
    await saveJobState(this.db, this.key, cursor);
  }

  /** Checks whether events can be followed; asks for a full sync when they can't. */
  private async checkCoverage(cursor: Cursor): Promise<boolean> {
    const config = await this.events.config();
    if (!config.eventsEnabled) {
      await this.handlers.fullSyncNeeded('user events are disabled in the realm');
      return false;
    }
    const retentionMs = (config.eventsExpiration ?? 0) * 1000;
    if (retentionMs > 0 && cursor.time < Date.now() - retentionMs) {
      await this.handlers.fullSyncNeeded('the event cursor fell behind the realm’s event retention');
      await this.saveCursor({ time: Date.now(), seen: [] });
      return false;
    }
    return true;
  }

  /** Handles the events since the cursor; returns how many were applied. */
  async poll(): Promise<number> {
    const cursor = await this.start();
    if (this.polls++ % 60 === 0 && !(await this.checkCoverage(cursor))) return 0;
    const own = await this.events.ownId();
    const { userEvents, adminEvents } = await this.events.since(cursor.time);
    const events = [
      ...userEvents.map((e) => userFeedEvent(e, this.handlers)),
      ...adminEvents.map((e) => adminFeedEvent(e, this.handlers, own)),
    ].filter((e) => e !== undefined);
    const { fresh, next } = unseenEvents(events, cursor);
    await applyInUserOrder(fresh, this.concurrency);
    // The cursor moves only once every event of the batch is applied: a failure replays the batch, and
    // every handler is safe to repeat.
    if (fresh.length > 0) await this.saveCursor(next);
    const applied = fresh.length;
    const newest = events.at(-1)?.time;
    this.onLag(newest ? Math.max(0, (Date.now() - newest) / 1000) : 0);
    return applied;
  }
}
