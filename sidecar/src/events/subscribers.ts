/**
 * Who hears what, written down in one place. An event's route: Keycloak's event feed → the device mirror
 * (syncs the user, and tells the owner of a new or removed device) and enforcement's OTP presence; then
 * recovery hears which client a credential or password change came through (a link's device is bound by it).
 */

import type { DeviceMirror } from '../devices/mirror.js';
import type { DeviceChange } from '../devices/records.js';
import type { Reconciler } from '../enforcement/reconciler.js';
import { refreshOtpPresence } from '../enforcement/records.js';
import type { RecoveryService } from '../recovery/recovery.js';
import type { SqlDatabase } from '../store/database.js';
import type { FeedHandlers } from './feed.js';

/** The feed's subscribers: a new user is enforced then mirrored; a reset opens a recovery. */
export const feedSubscribers = (to: {
  reconciler: Reconciler;
  mirror: DeviceMirror;
  recovery: RecoveryService;
  deviceFullSync: (reason: string) => Promise<unknown>;
}): FeedHandlers => ({
  userCreated: async (id) => {
    await to.reconciler.runForUser(id);
    await to.mirror.syncUser(id);
  },
  userChanged: (id, reason) => to.mirror.syncUser(id, reason),
  fullSyncNeeded: (reason) => to.deviceFullSync(reason),
  resetRequested: (id, at) => to.recovery.open(id, 'keycloak-reset', at),
  userActed: (id, event) => to.recovery.onUserEvent(id, event),
});

/**
 * The mirror's subscriber: the owners' OTP presence is refreshed. A new device alone never completes a
 * recovery: only the recovery client's event does (`userActed`), and only a proof finishes it.
 */
export const deviceChangeSubscriber =
  (to: {
    db: SqlDatabase;
    realm: string;
    /** a new device ends its owner's link-only enrolment (helpdesk/enrolment.ts) */
    linkOnly?: (changes: DeviceChange[]) => Promise<void>;
  }) =>
  async (changes: DeviceChange[]): Promise<void> => {
    await to.linkOnly?.(changes);
    await refreshOtpPresence(to.db, to.realm, [...new Set(changes.map((c) => c.owner.userId))]);
  };
