/**
 * Brute-force detection as a realm configures it: failures per user; at every `failureFactor`
 * failures a temporary lockout that grows by `waitIncrementSeconds` up to `maxFailureWaitSeconds`, or a
 * permanent lockout that disables the user. Failures older than `maxDeltaTimeSeconds` are forgotten.
 */
import { recordEvent } from '../events/recorder.js';
import type { BruteForceRecord, RealmModel, UserModel } from '../state/model.js';

const setting = (realm: RealmModel, name: string, fallback: number) => Number(realm.settings[name] ?? fallback);

export const isLockedOut = (realm: RealmModel, user: UserModel, now = Date.now()): boolean => {
  if (realm.settings.bruteForceProtected !== true) return false;
  const record = realm.bruteForce.get(user.id);
  return Boolean(record && (record.permanentlyLocked || record.lockedUntil > now));
};

export const recordLoginFailure = (realm: RealmModel, user: UserModel, ipAddress: string, now = Date.now()): void => {
  if (realm.settings.bruteForceProtected !== true) return;
  const maxDelta = setting(realm, 'maxDeltaTimeSeconds', 43200) * 1000;
  let record: BruteForceRecord = realm.bruteForce.get(user.id) ?? {
    numFailures: 0,
    lastFailure: 0,
    lastIPFailure: 'n/a',
    lockedUntil: 0,
    permanentlyLocked: false,
  };
  if (record.lastFailure > 0 && now - record.lastFailure > maxDelta && !record.permanentlyLocked) {
    record = { ...record, numFailures: 0, lockedUntil: 0 };
  }
  record.numFailures += 1;
  record.lastFailure = now;
  record.lastIPFailure = ipAddress;
  const factor = Math.max(1, setting(realm, 'failureFactor', 30));
  if (record.numFailures % factor === 0) {
    if (realm.settings.permanentLockout === true) {
      record.permanentlyLocked = true;
      user.enabled = false;
      recordEvent(realm, { type: 'USER_DISABLED_BY_PERMANENT_LOCKOUT', userId: user.id, ipAddress });
    } else {
      const waitSeconds = Math.min(
        setting(realm, 'waitIncrementSeconds', 60) * (record.numFailures / factor),
        setting(realm, 'maxFailureWaitSeconds', 900),
      );
      record.lockedUntil = now + waitSeconds * 1000;
      recordEvent(realm, { type: 'USER_DISABLED_BY_TEMPORARY_LOCKOUT', userId: user.id, ipAddress });
    }
  }
  realm.bruteForce.set(user.id, record);
};

/** A successful login forgets earlier failures (a permanent lockout stays until an admin lifts it). */
export const recordLoginSuccess = (realm: RealmModel, user: UserModel): void => {
  const record = realm.bruteForce.get(user.id);
  if (record && !record.permanentlyLocked) realm.bruteForce.delete(user.id);
};
