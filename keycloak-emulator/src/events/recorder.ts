/**
 * Records user events and admin events the way Keycloak's event store does: only when the realm has
 * them enabled (and, for user events, the type is among `enabledEventTypes`, empty meaning all).
 */
import { randomUUID } from 'node:crypto';
import type { AdminEventModel, EventModel, RealmModel } from '../state/model.js';

export type UserEventInput = Omit<EventModel, 'id' | 'time' | 'realmId'>;

export const recordEvent = (realm: RealmModel, input: UserEventInput): void => {
  if (realm.settings.eventsEnabled !== true) return;
  const enabledTypes = (realm.settings.enabledEventTypes as string[] | undefined) ?? [];
  if (enabledTypes.length > 0 && !enabledTypes.includes(input.type)) return;
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
