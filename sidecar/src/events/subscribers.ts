/**
 * Who hears what, written down in one place. An event's route: Keycloak's event feed → the device mirror
 * (syncs the user, and tells the owner of a new or removed device) → recovery (a new device on an account
 * with an open recovery retires the old ones, and tells the owner) and enforcement's OTP presence.
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
});

/** The mirror's subscriber: recovery completes on a new device, then the owners' OTP presence is refreshed. */
export const deviceChangeSubscriber =
  (to: {
    recovery: RecoveryService;
    db: SqlDatabase;
    realm: string;
    /** a new device ends its owner's link-only enrolment (helpdesk/enrolment.ts) */
    linkOnly?: (changes: DeviceChange[]) => Promise<void>;
  }) =>
  async (changes: DeviceChange[]): Promise<void> => {
    await to.recovery.onDeviceChanges(changes);
    await to.linkOnly?.(changes);
    await refreshOtpPresence(to.db, to.realm, [...new Set(changes.map((c) => c.owner.userId))]);
  };
