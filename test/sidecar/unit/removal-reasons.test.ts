/**
 * The reason a removed device is recorded with says no more than the event behind the re-read: Keycloak 26
 * records no event when a reset link's "Reset OTP" step removes devices and no `RESET_PASSWORD` /
 * `EXECUTE_ACTIONS` success events on link paths (contract §9, §11), so a removal found at the next
 * `UPDATE_CREDENTIAL` is "removed in Keycloak", the full sync's words — never "removed by a password reset".
 */
import { REMOVED_IN_KEYCLOAK } from '../../../sidecar/src/devices/records.js';
import { adminRemovalReason, CREDENTIAL_EVENT_TYPES, userRemovalReason } from '../../../sidecar/src/events/feed.js';

test('the feed re-reads a user on the credential events Keycloak 26 records, not on link-path success events it lacks', () => {
  for (const type of ['UPDATE_CREDENTIAL', 'REMOVE_CREDENTIAL', 'UPDATE_TOTP', 'REMOVE_TOTP'])
    expect(CREDENTIAL_EVENT_TYPES.has(type)).toBe(true);
  for (const type of ['RESET_PASSWORD', 'EXECUTE_ACTIONS', 'EXECUTE_ACTION_TOKEN'])
    expect(CREDENTIAL_EVENT_TYPES.has(type)).toBe(false);
});

test('a user event names the user only when it is a removal; a new device’s event says nothing of who removed', () => {
  expect(userRemovalReason('REMOVE_CREDENTIAL')).toBe('removed by the user');
  expect(userRemovalReason('REMOVE_TOTP')).toBe('removed by the user');
  expect(userRemovalReason('UPDATE_CREDENTIAL')).toBe(REMOVED_IN_KEYCLOAK);
  expect(userRemovalReason('UPDATE_TOTP')).toBe(REMOVED_IN_KEYCLOAK);
  expect(REMOVED_IN_KEYCLOAK).toBe('removed in Keycloak');
});

test('an admin event names an administrator only when it removes a credential (Keycloak records an ACTION on its path)', () => {
  const admin = (operationType: string, resourcePath: string) =>
    adminRemovalReason({ operationType, resourcePath } as Parameters<typeof adminRemovalReason>[0]);
  const user = 'users/0b5f6c1e-7a8e-4a3c-9d4e-1f2a3b4c5d6e';
  expect(admin('DELETE', `${user}/credentials/c0ffee00-1111-2222-3333-444455556666`)).toBe(
    'removed by an administrator',
  );
  expect(admin('ACTION', `${user}/credentials/c0ffee00-1111-2222-3333-444455556666`)).toBe(
    'removed by an administrator',
  );
  expect(admin('UPDATE', user)).toBe(REMOVED_IN_KEYCLOAK);
  expect(admin('ACTION', `${user}/execute-actions-email`)).toBe(REMOVED_IN_KEYCLOAK);
});
