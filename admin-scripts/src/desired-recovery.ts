/**
 * What "Forgot Password?" and the browser flow must hold for issue 19's recovery levels (sidecar.yaml
 * `recovery.level`; docs/threat-model.md) — pure functions, no I/O:
 * - every level but `email-only`: a user with a device gives a code from it before the password reset,
 *   and Reset OTP is off (the flow resets passwords only: the mailbox alone never adds or removes a device);
 * - `email-only`: the link leads to a new device and a new password (Reset OTP "Remove none": old devices stay
 *   until the sidecar retires them), except for holders of protected roles, who give a code from an existing device;
 * - always: a user whose enrolment is bound to the setup link (`otp-enrolment: link-only`, set by a helpdesk
 *   reset) is refused after the password (browser flow) and after the email link (reset flow).
 */
import { RealmConfigError, type RealmFile, type RecoveryLevel } from '../../realm-files/src/index.js';
import { type FlowStep, parentIndex } from './desired.js';

export const LINK_ONLY_ATTRIBUTE = 'otp-enrolment';
export const LINK_ONLY_VALUE = 'link-only';
export const LINK_ONLY_MESSAGE = 'Use the setup link we emailed you to set up your authenticator.';

export interface ResetPolicy {
  level: RecoveryLevel;
  /** protected roles as "Condition - user role" names them: `clientId.role` or a realm role */
  protectedRoles: string[];
}

/** The subflow that refuses a user whose enrolment must go through the emailed setup link. */
export const linkOnlySubflow = (level: number): FlowStep[] => [
  { level, provider: 'flow', requirement: 'CONDITIONAL', added: 'link-only enrolment' },
  {
    level: level + 1,
    provider: 'conditional-user-attribute',
    requirement: 'REQUIRED',
    config: { attribute_name: LINK_ONLY_ATTRIBUTE, attribute_expected_value: LINK_ONLY_VALUE, not: 'false' },
  },
  {
    level: level + 1,
    provider: 'deny-access-authenticator',
    requirement: 'REQUIRED',
    config: { denyErrorMessage: LINK_ONLY_MESSAGE },
  },
];

const existingDeviceSubflow = (level: number): FlowStep[] => [
  { level, provider: 'flow', requirement: 'CONDITIONAL', added: 'existing device' },
  { level: level + 1, provider: 'conditional-user-configured', requirement: 'REQUIRED' },
  { level: level + 1, provider: 'auth-otp-form', requirement: 'REQUIRED' },
];

const protectedRoleSubflow = (level: number, role: string): FlowStep[] => [
  { level, provider: 'flow', requirement: 'CONDITIONAL', added: `protected ${role}` },
  {
    level: level + 1,
    provider: 'conditional-user-role',
    requirement: 'REQUIRED',
    config: { condUserRole: role, negate: 'false' },
  },
  { level: level + 1, provider: 'auth-otp-form', requirement: 'REQUIRED' },
];

/**
 * realm.yaml's own reset keys may restate the level, never contradict it: a device-removing Reset OTP mode
 * hands the mailbox a way to remove the second factor, and the code check follows from the level.
 */
export const checkResetAgainstLevel = (flow: RealmFile['resetCredentialsFlow'], level: RecoveryLevel) => {
  const where = 'realm.yaml: resetCredentialsFlow';
  if (flow.resetOtp !== 'keep-until-new-device')
    throw new RealmConfigError(
      `${where}.resetOtp: ${flow.resetOtp} lets the mailbox alone remove devices; only keep-until-new-device is allowed (sidecar.yaml recovery.level: ${level})`,
    );
  const codeByLevel = level !== 'email-only';
  if (flow.requireCodeFromExistingDevice !== undefined && flow.requireCodeFromExistingDevice !== codeByLevel)
    throw new RealmConfigError(
      `${where}.requireCodeFromExistingDevice: ${flow.requireCodeFromExistingDevice} contradicts sidecar.yaml recovery.level: ${level} (${codeByLevel ? 'every level but email-only asks a code from an existing device' : 'email-only asks no code except from protected roles'}); remove the key or change the level`,
    );
};

/** Browser flow: a user whose enrolment is bound to the emailed setup link is refused right after the password. */
export const withLinkOnlyRefusal = (browserSteps: FlowStep[]): FlowStep[] => {
  const steps = browserSteps.map((s) => ({ ...s }));
  const password = steps.findIndex((s) => s.provider === 'auth-username-password-form');
  if (password < 0) throw new Error('the built-in browser flow has no username/password form');
  steps.splice(password + 1, 0, ...linkOnlySubflow(steps[password]?.level ?? 0));
  return steps;
};

/** Reset-credentials flow for a recovery level (see the file comment). */
export const desiredResetSteps = (
  builtIn: FlowStep[],
  flow: RealmFile['resetCredentialsFlow'],
  policy: ResetPolicy,
): FlowStep[] => {
  checkResetAgainstLevel(flow, policy.level);
  const steps = builtIn.map((s) => ({ ...s }));
  const resetOtpIndex = steps.findIndex((s) => s.provider === 'reset-otp');
  const resetOtp = steps[resetOtpIndex];
  if (!resetOtp) throw new Error('the built-in reset credentials flow has no Reset OTP step');
  resetOtp.config = { action_on_otp_reset_flag: 'Remove none' };
  const email = steps.findIndex((s) => s.provider === 'reset-credential-email');
  if (email < 0) throw new Error('the built-in reset credentials flow has no email step');
  const level = steps[email]?.level ?? 0;
  if (policy.level === 'email-only') {
    const roles = policy.protectedRoles.flatMap((role) => protectedRoleSubflow(level, role));
    steps.splice(email + 1, 0, ...linkOnlySubflow(level));
    return [...steps, ...roles];
  }
  // Reset OTP off: its conditional subflow (or the step itself) is disabled, so no CONFIGURE_TOTP from the mailbox.
  const parent = parentIndex(steps, resetOtpIndex);
  const holder = parent >= 0 ? steps[parent] : resetOtp;
  if (holder) holder.requirement = 'DISABLED';
  steps.splice(email + 1, 0, ...linkOnlySubflow(level), ...existingDeviceSubflow(level));
  return steps;
};
