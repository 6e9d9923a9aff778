/**
 * Issue 19 in the enforcement policy: staff roles cannot be exempted from OTP (a policy naming one is refused
 * at start; a staff member in an exempt group stays required), and a link-only account (after a helpdesk
 * reset) never gets a standing CONFIGURE_TOTP — its only way to a device is the emailed link.
 */

import {
  decide,
  type EnforcementPolicy,
  exemptStaffRoles,
  isLinkOnly,
  type UserFacts,
} from '../../../sidecar/src/enforcement/policy.js';
import { Reconciler } from '../../../sidecar/src/enforcement/reconciler.js';
import type { KeycloakConnection } from '../../../sidecar/src/keycloak/connection.js';

const now = new Date('2026-11-25T12:00:00Z');
const STAFF = ['otp-helpdesk', 'otp-helpdesk-admin'];

const policy = (exempt: EnforcementPolicy['exempt'] = { groups: [], roles: [] }): EnforcementPolicy => ({
  scope: 'all',
  exempt,
  newUserGraceDays: 0,
  reminders: { enabled: true, startDaysBefore: 14, intervalDays: 3 },
});

const user = (overrides: Partial<UserFacts> = {}): UserFacts => ({
  id: 'u1',
  username: 'sam',
  email: 'sam@example.org',
  enabled: true,
  createdTimestamp: new Date('2025-01-01').getTime(),
  hasOtp: false,
  requiredActions: [],
  serviceAccount: false,
  inScopeGroup: false,
  ...overrides,
});

test('a policy that exempts a helpdesk role is refused when the sidecar starts', () => {
  expect(exemptStaffRoles(policy({ groups: [], roles: ['otp-helpdesk', 'robots'] }), STAFF)).toEqual(['otp-helpdesk']);
  const options = {
    keycloak: { realm: 'lab' } as KeycloakConnection,
    db: {} as never,
    logger: {} as never,
    metrics: {} as never,
    accountUrl: 'http://kc/account',
  };
  expect(() => new Reconciler({ ...options, policy: policy({ groups: [], roles: ['otp-helpdesk-admin'] }) })).toThrow(
    'may not exempt helpdesk roles (otp-helpdesk-admin)',
  );
  expect(() => new Reconciler({ ...options, policy: policy({ groups: ['/lab'], roles: ['robots'] }) })).not.toThrow();
});

test('a staff member in an exempt group still must have OTP', () => {
  const exempt = policy({ groups: ['/lab'], roles: [] });
  expect(decide(exempt, user({ exemptBy: '/lab' }), now)).toMatchObject({
    required: false,
    exemptReason: 'exempt:/lab',
  });
  expect(decide(exempt, user({ exemptBy: '/lab', staff: true }), now)).toMatchObject({
    required: true,
    action: 'require-otp-setup',
  });
});

test('a link-only account is required but never gets CONFIGURE_TOTP nor a reminder', () => {
  expect(decide(policy(), user({ linkOnlyEnrolment: true }), now)).toMatchObject({ required: true, action: 'none' });
  expect(isLinkOnly({ attributes: { 'otp-enrolment': ['link-only'] } })).toBe(true);
  expect(isLinkOnly({ attributes: { 'otp-enrolment': ['any'] } })).toBe(false);
  expect(isLinkOnly(undefined)).toBe(false);
});
