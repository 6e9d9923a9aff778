/**
 * Levels of authentication for staff sign-in (issue 19, "Staff authentication"): the realm attribute
 * `acr.loa.map` = {"pwd":1,"mfa":2}, and the browser flow's forms after the password:
 * - level 2 (`mfa`): "Condition - Level of Authentication" 2, "Condition - user configured", OTP form — a user
 *   with a device gives a code on every sign-in (the built-in conditional 2FA subflow it replaces is disabled);
 * - level 1 (`pwd`): "Condition - Level of Authentication" 1 and "Condition - credential" (no OTP given in
 *   this login), "Allow access" — a user without a device reaches level 1. Without the credential condition a
 *   requested level 2 would be lowered to 1 again: Keycloak records the level of the last subflow that ran.
 * Keycloak's condition is true while no level is reached in the login, so level 2 runs first on a fresh
 * sign-in whether or not the client asked for it; with `otp: required` level 2 has no user-configured condition.
 */
import type { RealmFile } from '../../realm-files/src/index.js';
import { type FlowStep, parentIndex } from './desired.js';

export const ACR_LOA_MAP = { pwd: 1, mfa: 2 };
const LOA_MAX_AGE = '36000';

const loaCondition = (level: number, stepLevel: number): FlowStep => ({
  level: stepLevel,
  provider: 'conditional-level-of-authentication',
  requirement: 'REQUIRED',
  config: { 'loa-condition-level': String(level), 'loa-max-age': LOA_MAX_AGE },
});

const levelSubflows = (level: number, otp: RealmFile['browserFlow']['otp']): FlowStep[] => [
  { level, provider: 'flow', requirement: 'CONDITIONAL', added: 'level 2 mfa' },
  loaCondition(2, level + 1),
  ...(otp === 'conditional'
    ? [{ level: level + 1, provider: 'conditional-user-configured', requirement: 'REQUIRED' }]
    : []),
  { level: level + 1, provider: 'auth-otp-form', requirement: 'REQUIRED' },
  { level, provider: 'flow', requirement: 'CONDITIONAL', added: 'level 1 pwd' },
  loaCondition(1, level + 1),
  {
    level: level + 1,
    provider: 'conditional-credential',
    requirement: 'REQUIRED',
    config: { credentials: 'otp', included: 'false' },
  },
  { level: level + 1, provider: 'allow-access-authenticator', requirement: 'REQUIRED' },
];

/** The built-in browser flow with its conditional 2FA subflow replaced by the two levels. */
export const withLevels = (browserSteps: FlowStep[], otp: RealmFile['browserFlow']['otp']): FlowStep[] => {
  const steps = browserSteps.map((s) => ({ ...s }));
  const otpIndex = steps.findIndex((s) => s.provider === 'auth-otp-form' && !s.added);
  const parent = parentIndex(steps, otpIndex);
  const twoFactor = steps[parent];
  if (otpIndex < 0 || !twoFactor) throw new Error('the built-in browser flow has no 2FA subflow with an OTP form');
  twoFactor.requirement = 'DISABLED';
  let end = parent + 1;
  while (end < steps.length && (steps[end]?.level ?? 0) > twoFactor.level) end++;
  steps.splice(end, 0, ...levelSubflows(twoFactor.level, otp));
  return steps;
};

/** Whether the live `acr.loa.map` is the one the levels need (compared as JSON values). */
export const acrLoaMapMatches = (live: unknown): boolean => {
  if (typeof live !== 'string') return false;
  try {
    return JSON.stringify(JSON.parse(live)) === JSON.stringify(ACR_LOA_MAP);
  } catch {
    return false;
  }
};
