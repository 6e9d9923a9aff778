/**
 * Records user events and admin events the way Keycloak's event store does: only when the realm has
 * them enabled (and, for user events, the type is among `enabledEventTypes`, empty meaning Keycloak's save-by-default types).
 */
import { randomUUID } from 'node:crypto';
import type { AdminEventModel, EventModel, RealmModel } from '../state/model.js';
import { isStored } from './event-types.js';

export type UserEventInput = Omit<EventModel, 'id' | 'time' | 'realmId'>;

export const recordEvent = (realm: RealmModel, input: UserEventInput): void => {
  if (realm.settings.eventsEnabled !== true) return;
  const enabledTypes = (realm.settings.enabledEventTypes as string[] | undefined) ?? [];
  if (!isStored(input.type, enabledTypes)) return;
  realm.events.push({ id: randomUUID(), time: Date.now(), realmId: realm.id, ...input });
};

export type AdminEventInput = Omit<AdminEventModel, 'id' | 'time' | 'realmId' | 'representation'> & {
  representation?: unknown;
};

export const recordAdminEvent = (realm: RealmModel, input: AdminEventInput): void => {
  if (realm.settings.adminEventsEnabled !== true) return;
  const { representation, ...rest } = input;
  const withDetails = realm.settings.adminEventsDetailsEnabled === true && representation !== undefined;
  realm.adminEvents.push({
    id: randomUUID(),
    time: Date.now(),
    realmId: realm.id,
    ...rest,
    ...(withDetails ? { representation: JSON.stringify(representation) } : {}),
  });
};

/**
 * Drops user events older than the realm's `eventsExpiration` (seconds). Keycloak does this in a
 * scheduled task; doing it before each read gives the same view to a client.
 */
export const purgeExpiredEvents = (realm: RealmModel, now = Date.now()): void => {
  const expiration = Number(realm.settings.eventsExpiration ?? 0);
  if (!(expiration > 0)) return;
  const cutoff = now - expiration * 1000;
  const firstKept = realm.events.findIndex((e) => e.time >= cutoff);
  if (firstKept === 0) return;
  realm.events.splice(0, firstKept < 0 ? realm.events.length : firstKept);
};
