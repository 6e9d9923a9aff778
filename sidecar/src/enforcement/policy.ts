/**
 * Who must have OTP, and from when — pure decisions, no I/O.
 *
 * A user must have OTP when they are enabled, not a service account, in scope (all users, or members of
 * the listed groups and their subgroups) and not exempt (exempt groups or roles). Their deadline is the
 * rollout deadline, or for accounts created later, creation + the grace period for new users (0 = at
 * first login), whichever is later. From the deadline on the sidecar adds CONFIGURE_TOTP; before it the
 * user can still sign in with a password and gets reminders.
 */

export interface EnforcementPolicy {
  /** 'all' users, or the group paths whose members (and their subgroups' members) must have OTP */
  scope: 'all' | { groups: string[] };
  exempt: { groups: string[]; roles: string[] };
  /** existing users must have OTP from this time on (absent = immediately) */
  deadline?: Date;
  /** days a newly created account may go without OTP (0 = set it up at first login) */
  newUserGraceDays: number;
  reminders: {
    enabled: boolean;
    /** first reminder this many days before the user's deadline */
    startDaysBefore: number;
    /** at most one reminder per user per this many days */
    intervalDays: number;
  };
}

/** What the reconciler knows of a user, from the user list and the group/role member lists. */
export interface UserFacts {
  id: string;
  username: string;
  email?: string;
  /** the `locale` attribute: the language of their reminders */
  locale?: string;
  enabled: boolean;
  createdTimestamp?: number;
  hasOtp: boolean;
  requiredActions: string[];
  serviceAccount: boolean;
  /** the policy's scope groups this user belongs to (directly or through a subgroup) */
  inScopeGroup: boolean;
  /** the exempt group or role that exempts this user, if any */
  exemptBy?: string;
  /** holds a helpdesk role: never exempt, whatever group or role would exempt them */
  staff?: boolean;
  /** after a helpdesk reset: enrolment only through the emailed link, never a standing CONFIGURE_TOTP */
  linkOnlyEnrolment?: boolean;
}

export type ExemptReason = 'disabled' | 'service-account' | 'not-in-scope' | `exempt:${string}`;

export interface Decision {
  required: boolean;
  exemptReason?: ExemptReason;
  /** when OTP becomes mandatory for this user */
  deadline?: Date;
  hasOtp: boolean;
  /** CONFIGURE_TOTP is already set */
  pending: boolean;
  /** what the sidecar should do now */
  action: 'none' | 'require-otp-setup' | 'remind';
}

const DAY = 86_400_000;

export const CONFIGURE_TOTP = 'CONFIGURE_TOTP';

/**
 * The user attribute a helpdesk reset sets: the realm's browser flow denies a password-only sign-in to such a
 * user and enforcement never adds CONFIGURE_TOTP, so the only way to a new device is the link sent to the
 * verified email (issue 19, attack 5). Removed when the new device appears.
 */
export const ENROLMENT_ATTRIBUTE = 'otp-enrolment';
export const LINK_ONLY = 'link-only';

export const isLinkOnly = (user: { attributes?: Record<string, unknown> } | undefined): boolean => {
  const values = user?.attributes?.[ENROLMENT_ATTRIBUTE];
  return Array.isArray(values) && values.includes(LINK_ONLY);
};

/** The staff roles the policy names as exempt: the sidecar refuses to start with such a policy. */
export const exemptStaffRoles = (policy: Pick<EnforcementPolicy, 'exempt'>, staffRoles: string[]): string[] =>
  policy.exempt.roles.filter((role) => staffRoles.includes(role));

export const deadlineFor = (policy: EnforcementPolicy, user: Pick<UserFacts, 'createdTimestamp'>): Date => {
  const rollout = policy.deadline?.getTime() ?? 0;
  const created = user.createdTimestamp ?? 0;
  return new Date(Math.max(rollout, created + policy.newUserGraceDays * DAY));
};

export const decide = (policy: EnforcementPolicy, user: UserFacts, now: Date, lastReminder?: Date): Decision => {
  const pending = user.requiredActions.includes(CONFIGURE_TOTP);
  const base = { hasOtp: user.hasOtp, pending };
  const exempt = (exemptReason: ExemptReason): Decision => ({ ...base, required: false, exemptReason, action: 'none' });
  if (user.serviceAccount) return exempt('service-account');
  if (!user.enabled) return exempt('disabled');
  if (policy.scope !== 'all' && !user.inScopeGroup) return exempt('not-in-scope');
  if (user.exemptBy && !user.staff) return exempt(`exempt:${user.exemptBy}`);

  const deadline = deadlineFor(policy, user);
  const decision: Decision = { ...base, required: true, deadline, action: 'none' };
  if (user.hasOtp || pending || user.linkOnlyEnrolment) return decision;
  if (now.getTime() >= deadline.getTime()) return { ...decision, action: 'require-otp-setup' };
  return shouldRemind(policy, deadline, now, lastReminder) && user.email ? { ...decision, action: 'remind' } : decision;
};

export const shouldRemind = (policy: EnforcementPolicy, deadline: Date, now: Date, lastReminder?: Date): boolean => {
  if (!policy.reminders.enabled) return false;
  if (now.getTime() < deadline.getTime() - policy.reminders.startDaysBefore * DAY) return false;
  return !lastReminder || now.getTime() - lastReminder.getTime() >= policy.reminders.intervalDays * DAY;
};

/** The user's required actions with CONFIGURE_TOTP added, keeping every other action and their order. */
export const withOtpSetup = (requiredActions: string[]): string[] =>
  requiredActions.includes(CONFIGURE_TOTP) ? requiredActions : [...requiredActions, CONFIGURE_TOTP];
