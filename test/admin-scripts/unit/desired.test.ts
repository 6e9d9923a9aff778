/** The pure parts of the admin scripts: flows derived from built-in ones, and readable differences. */
import {
  desiredBrowserSteps,
  desiredResetSteps,
  type FlowStep,
  stepDifferences,
} from '../../../admin-scripts/src/desired.js';

const step = (level: number, provider: string, requirement: string): FlowStep => ({ level, provider, requirement });

// Keycloak 26.4's built-in browser flow, as `stepsOf` reads it.
const BROWSER: FlowStep[] = [
  step(0, 'auth-cookie', 'ALTERNATIVE'),
  step(0, 'auth-spnego', 'DISABLED'),
  step(0, 'identity-provider-redirector', 'ALTERNATIVE'),
  step(0, 'flow', 'ALTERNATIVE'),
  step(1, 'flow', 'CONDITIONAL'),
  step(2, 'conditional-user-configured', 'REQUIRED'),
  step(2, 'organization', 'ALTERNATIVE'),
  step(0, 'flow', 'ALTERNATIVE'),
  step(1, 'auth-username-password-form', 'REQUIRED'),
  step(1, 'flow', 'CONDITIONAL'),
  step(2, 'conditional-user-configured', 'REQUIRED'),
  step(2, 'auth-otp-form', 'ALTERNATIVE'),
  step(2, 'webauthn-authenticator', 'DISABLED'),
];

const RESET: FlowStep[] = [
  step(0, 'reset-credentials-choose-user', 'REQUIRED'),
  step(0, 'reset-credential-email', 'REQUIRED'),
  step(0, 'reset-password', 'REQUIRED'),
  step(0, 'flow', 'CONDITIONAL'),
  step(1, 'conditional-user-configured', 'REQUIRED'),
  step(1, 'reset-otp', 'REQUIRED'),
];

test('conditional OTP keeps the built-in browser flow as it is', () => {
  expect(desiredBrowserSteps(BROWSER, 'conditional')).toEqual(BROWSER);
});

test('required OTP makes the 2FA subflow and the OTP form REQUIRED and switches its condition off', () => {
  const steps = desiredBrowserSteps(BROWSER, 'required');
  expect(stepDifferences(BROWSER, steps)).toEqual([
    'step 10:   flow CONDITIONAL ->   flow REQUIRED',
    'step 11:     conditional-user-configured REQUIRED ->     conditional-user-configured DISABLED',
    'step 12:     auth-otp-form ALTERNATIVE ->     auth-otp-form REQUIRED',
  ]);
  // the organization subflow's condition is left alone
  expect(steps[5]).toEqual(BROWSER[5]);
});

test('the reset flow carries the Reset OTP mode, and the stricter mode adds a code check after the email', () => {
  const keep = desiredResetSteps(RESET, {
    alias: 'r',
    resetOtp: 'keep-until-new-device',
    requireCodeFromExistingDevice: false,
  });
  expect(keep[5]?.config).toEqual({ action_on_otp_reset_flag: 'Remove none' });
  const strict = desiredResetSteps(RESET, { alias: 'r', resetOtp: 'remove-one', requireCodeFromExistingDevice: true });
  expect(strict.map((s) => `${s.level} ${s.provider} ${s.requirement}`)).toEqual([
    '0 reset-credentials-choose-user REQUIRED',
    '0 reset-credential-email REQUIRED',
    '0 flow CONDITIONAL',
    '1 conditional-user-configured REQUIRED',
    '1 auth-otp-form REQUIRED',
    '0 reset-password REQUIRED',
    '0 flow CONDITIONAL',
    '1 conditional-user-configured REQUIRED',
    '1 reset-otp REQUIRED',
  ]);
  expect(strict[8]?.config).toEqual({ action_on_otp_reset_flag: 'Remove one' });
  expect(strict[2]?.added).toBe('existing device');
});

test('a config difference is a difference; an undeclared config is not', () => {
  const withConfig = [{ ...step(0, 'reset-otp', 'REQUIRED'), config: { action_on_otp_reset_flag: 'Remove all' } }];
  expect(stepDifferences([step(0, 'reset-otp', 'REQUIRED')], withConfig)).toHaveLength(1);
  expect(stepDifferences(withConfig, [step(0, 'reset-otp', 'REQUIRED')])).toEqual([]);
});
