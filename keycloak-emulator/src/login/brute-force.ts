/**
 * Brute-force detection as DefaultBruteForceProtector runs it, per user:
 * - failures older than `maxDeltaTimeSeconds` are forgotten (unless every lockout is permanent);
 * - every failure recomputes the wait: `waitIncrementSeconds × floor(failures / failureFactor)`
 *   (strategy MULTIPLE) or `waitIncrementSeconds × (1 + failures − failureFactor)` (LINEAR), so each
 *   failure at or past the factor locks again;
 * - when that wait is 0 and the previous failure is younger than `quickLoginCheckMilliSeconds`, the user
 *   waits `minimumQuickLoginWaitSeconds` (a quick-login lockout, which does not count as a lockout);
 * - the wait is capped by `maxFailureWaitSeconds`;
 * - with `permanentLockout`, more than `maxTemporaryLockouts` lockouts (or, when that is 0, reaching the
 *   factor) disable the user;
 * - a successful login clears the record.
 */
import { recordEvent } from '../events/recorder.js';
import type { BruteForceRecord, RealmModel, UserModel } from '../state/model.js';

const setting = (realm: RealmModel, name: string, fallback: number) => Number(realm.settings[name] ?? fallback);

/**
 * The LOGIN_ERROR a locked user's attempt records (AuthenticatorUtils.getDisabledByBruteForceEventError):
 * `user_disabled` after a permanent lockout, `user_temporarily_disabled` during a wait; undefined if not locked.
 */
export const lockoutError = (realm: RealmModel, user: UserModel, now = Date.now()) => {
  if (realm.settings.bruteForceProtected !== true) return undefined;
  const record = realm.bruteForce.get(user.id);
  if (record?.permanentlyLocked) return 'user_disabled';
  return record && record.lockedUntil > now ? 'user_temporarily_disabled' : undefined;
};

const emptyRecord = (): BruteForceRecord => ({
  numFailures: 0,
  lastFailure: 0,
  lastIPFailure: 'n/a',
  lockedUntil: 0,
  numTemporaryLockouts: 0,
  permanentlyLocked: false,
});

/** permanentLockout with maxTemporaryLockouts 0: the first lockout is permanent, no waits are computed. */
const onlyPermanent = (realm: RealmModel) =>
  realm.settings.permanentLockout === true && setting(realm, 'maxTemporaryLockouts', 0) === 0;

/** The wait the failure count earns, before the quick-login check and the cap. */
const earnedWaitSeconds = (realm: RealmModel, failures: number) => {
  if (onlyPermanent(realm)) return 0;
  const increment = setting(realm, 'waitIncrementSeconds', 60);
  const factor = Math.max(1, setting(realm, 'failureFactor', 30));
  return realm.settings.bruteForceStrategy === 'LINEAR'
    ? increment * (1 + failures - factor)
    : increment * Math.floor(failures / factor);
};

const lockoutEvent = (realm: RealmModel, user: UserModel, record: BruteForceRecord, type: string) =>
  recordEvent(realm, {
    type,
    userId: user.id,
    ipAddress: record.lastIPFailure,
    details: {
      reason: 'brute_force_attack detected',
      num_failures: String(record.numFailures),
      ...(type === 'USER_DISABLED_BY_TEMPORARY_LOCKOUT'
        ? { not_before: new Date(record.lockedUntil).toISOString().slice(0, 19) }
        : {}),
    },
  });

/** Locks the user for the wait this failure earns, if any; counts the lockout unless it is a quick-login one. */
const lockTemporarily = (
  realm: RealmModel,
  user: UserModel,
  record: BruteForceRecord,
  deltaMs: number | undefined,
  now: number,
) => {
  let waitSeconds = earnedWaitSeconds(realm, record.numFailures);
  const quickLogin =
    waitSeconds <= 0 && deltaMs !== undefined && deltaMs < setting(realm, 'quickLoginCheckMilliSeconds', 1000);
  if (quickLogin) waitSeconds = setting(realm, 'minimumQuickLoginWaitSeconds', 60);
  if (waitSeconds <= 0) return;
  if (!onlyPermanent(realm)) waitSeconds = Math.min(setting(realm, 'maxFailureWaitSeconds', 900), waitSeconds);
  if (!quickLogin) record.numTemporaryLockouts = (record.numTemporaryLockouts ?? 0) + 1;
  const permanent = realm.settings.permanentLockout === true;
  if (quickLogin || !permanent || (record.numTemporaryLockouts ?? 0) <= setting(realm, 'maxTemporaryLockouts', 0)) {
    record.lockedUntil = (Math.floor(now / 1000) + waitSeconds) * 1000;
    lockoutEvent(realm, user, record, 'USER_DISABLED_BY_TEMPORARY_LOCKOUT');
  }
};

const lockPermanentlyIfDue = (realm: RealmModel, user: UserModel, record: BruteForceRecord) => {
  if (realm.settings.permanentLockout !== true || record.permanentlyLocked) return;
  const maxTemporary = setting(realm, 'maxTemporaryLockouts', 0);
  const factor = Math.max(1, setting(realm, 'failureFactor', 30));
  const due = (record.numTemporaryLockouts ?? 0) > maxTemporary || (maxTemporary === 0 && record.numFailures >= factor);
  if (!due) return;
  record.permanentlyLocked = true;
  user.enabled = false;
  lockoutEvent(realm, user, record, 'USER_DISABLED_BY_PERMANENT_LOCKOUT');
};

export const recordLoginFailure = (realm: RealmModel, user: UserModel, ipAddress: string, now = Date.now()): void => {
  if (realm.settings.bruteForceProtected !== true) return;
  const record = realm.bruteForce.get(user.id) ?? emptyRecord();
  const deltaMs = record.lastFailure > 0 ? now - record.lastFailure : undefined;
  record.lastIPFailure = ipAddress;
  record.lastFailure = now;
  if (!onlyPermanent(realm) && deltaMs !== undefined && deltaMs > setting(realm, 'maxDeltaTimeSeconds', 43200) * 1000) {
    Object.assign(record, { numFailures: 0, lockedUntil: 0, numTemporaryLockouts: 0 });
  }
  record.numFailures += 1;
  lockTemporarily(realm, user, record, deltaMs, now);
  lockPermanentlyIfDue(realm, user, record);
  realm.bruteForce.set(user.id, record);
};

/** A successful login clears the record (a permanently locked user is disabled and cannot get here). */
export const recordLoginSuccess = (realm: RealmModel, user: UserModel): void => {
  const record = realm.bruteForce.get(user.id);
  if (record && !record.permanentlyLocked) realm.bruteForce.delete(user.id);
};
