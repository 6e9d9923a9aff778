import {
  deadlineFor,
  decide,
  type EnforcementPolicy,
  exemptStaffRoles,
  isLinkOnly,
  shouldRemind,
  type UserFacts,
  withOtpSetup,
} from '../../../sidecar/src/enforcement/policy.js';
import { Reconciler } from '../../../sidecar/src/enforcement/reconciler.js';
import type { KeycloakConnection } from '../../../sidecar/src/keycloak/connection.js';

const DAY = 86_400_000;
const now = new Date('2026-11-25T12:00:00Z');

const policy = (overrides: Partial<EnforcementPolicy> = {}): EnforcementPolicy => ({
  scope: 'all',
  exempt: { groups: [], roles: [] },
  newUserGraceDays: 0,
  reminders: { enabled: true, startDaysBefore: 14, intervalDays: 3 },
  ...overrides,
});

const user = (overrides: Partial<UserFacts> = {}): UserFacts => ({
  id: 'u1',
  username: 'ada',
  email: 'ada@example.org',
  enabled: true,
  createdTimestamp: new Date('2025-01-01').getTime(),
  hasOtp: false,
  requiredActions: [],
  serviceAccount: false,
  inScopeGroup: false,
  ...overrides,
});

describe('who must have OTP', () => {
  test('everybody enabled, by default immediately', () => {
    expect(decide(policy(), user(), now)).toMatchObject({ required: true, action: 'require-otp-setup' });
  });

  test('service accounts, disabled users and exempt users are left alone', () => {
    expect(decide(policy(), user({ serviceAccount: true }), now)).toMatchObject({
      required: false,
      exemptReason: 'service-account',
      action: 'none',
    });
    expect(decide(policy(), user({ enabled: false }), now)).toMatchObject({
      required: false,
      exemptReason: 'disabled',
    });
    expect(decide(policy(), user({ exemptBy: 'group:/break-glass' }), now)).toMatchObject({
      required: false,
      exemptReason: 'exempt:group:/break-glass',
    });
  });

  test('with a group scope only members are required', () => {
    const scoped = policy({ scope: { groups: ['/staff'] } });
    expect(decide(scoped, user(), now)).toMatchObject({ required: false, exemptReason: 'not-in-scope' });
    expect(decide(scoped, user({ inScopeGroup: true }), now)).toMatchObject({ required: true });
  });

  test('users with OTP or with the setup already pending need nothing', () => {
    expect(decide(policy(), user({ hasOtp: true }), now)).toMatchObject({
      required: true,
      hasOtp: true,
      action: 'none',
    });
    expect(decide(policy(), user({ requiredActions: ['CONFIGURE_TOTP'] }), now)).toMatchObject({
      pending: true,
      action: 'none',
    });
  });
});

describe('deadlines and reminders', () => {
  const deadline = new Date('2026-12-01T00:00:00Z');

  test('before the rollout deadline: no action, reminders from 14 days before', () => {
    const early = new Date('2026-11-01T00:00:00Z');
    expect(decide(policy({ deadline }), user(), early)).toMatchObject({ required: true, action: 'none', deadline });
    expect(decide(policy({ deadline }), user(), now)).toMatchObject({ action: 'remind' });
    expect(decide(policy({ deadline }), user({ email: undefined }), now)).toMatchObject({ action: 'none' });
  });

  test('at most one reminder per interval', () => {
    const p = policy({ deadline });
    expect(shouldRemind(p, deadline, now, new Date(now.getTime() - 2 * DAY))).toBe(false);
    expect(shouldRemind(p, deadline, now, new Date(now.getTime() - 3 * DAY))).toBe(true);
    expect(
      shouldRemind(
        policy({ deadline, reminders: { enabled: false, startDaysBefore: 14, intervalDays: 3 } }),
        deadline,
        now,
      ),
    ).toBe(false);
  });

  test('at the deadline the setup is required', () => {
    expect(decide(policy({ deadline }), user(), deadline)).toMatchObject({ action: 'require-otp-setup' });
  });

  test('new accounts get the grace period from their creation', () => {
    const created = new Date('2026-11-20T00:00:00Z').getTime();
    const p = policy({ deadline: new Date('2026-11-01T00:00:00Z'), newUserGraceDays: 10 });
    expect(deadlineFor(p, { createdTimestamp: created })).toEqual(new Date(created + 10 * DAY));
    expect(decide(p, user({ createdTimestamp: created }), now)).toMatchObject({ action: 'remind' });
    expect(decide(policy({ newUserGraceDays: 0 }), user({ createdTimestamp: now.getTime() }), now)).toMatchObject({
      action: 'require-otp-setup',
    });
  });
});

test('adding the setup keeps the other required actions and their order', () => {
  expect(withOtpSetup(['UPDATE_PASSWORD', 'VERIFY_EMAIL'])).toEqual([
    'UPDATE_PASSWORD',
    'VERIFY_EMAIL',
    'CONFIGURE_TOTP',
  ]);
  expect(withOtpSetup(['CONFIGURE_TOTP'])).toEqual(['CONFIGURE_TOTP']);
});

// Issue 19: staff roles cannot be exempted from OTP; a link-only account (after a helpdesk reset) never gets a
// standing CONFIGURE_TOTP — its only way to a device is the emailed link.
describe('staff and link-only accounts', () => {
  const STAFF = ['otp-helpdesk', 'otp-helpdesk-admin'];

  test('a policy that exempts a helpdesk role is refused when the sidecar starts', () => {
    expect(exemptStaffRoles(policy({ exempt: { groups: [], roles: ['otp-helpdesk', 'robots'] } }), STAFF)).toEqual([
      'otp-helpdesk',
    ]);
    const options = {
      keycloak: { realm: 'lab' } as KeycloakConnection,
      db: {} as never,
      logger: {} as never,
      metrics: {} as never,
      accountUrl: 'http://kc/account',
    };
    expect(
      () => new Reconciler({ ...options, policy: policy({ exempt: { groups: [], roles: ['otp-helpdesk-admin'] } }) }),
    ).toThrow('may not exempt helpdesk roles (otp-helpdesk-admin)');
    expect(
      () => new Reconciler({ ...options, policy: policy({ exempt: { groups: ['/lab'], roles: ['robots'] } }) }),
    ).not.toThrow();
  });

  test('a staff member in an exempt group still must have OTP', () => {
    const exempt = policy({ exempt: { groups: ['/lab'], roles: [] } });
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
});
