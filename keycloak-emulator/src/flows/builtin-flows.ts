/**
 * The built-in authentication flows of a new Keycloak 26 realm, as data. Layout, requirements and
 * priorities follow the realm exports of current 26.x releases (see FIDELITY.md).
 */
import type { Requirement } from '../state/model.js';

export interface FlowSpec {
  alias: string;
  description: string;
  providerId: 'basic-flow' | 'client-flow' | 'form-flow';
  executions: ExecutionSpec[];
}

export type ExecutionSpec =
  | {
      authenticator: string;
      requirement: Requirement;
      priority: number;
      config?: { alias: string; config: Record<string, string> };
    }
  | { flow: FlowSpec; requirement: Requirement; priority: number; formProvider?: string };

const step = (authenticator: string, requirement: Requirement, priority: number): ExecutionSpec => ({
  authenticator,
  requirement,
  priority,
});

const subflow = (flow: FlowSpec, requirement: Requirement, priority: number, formProvider?: string): ExecutionSpec =>
  formProvider ? { flow, requirement, priority, formProvider } : { flow, requirement, priority };

const basic = (alias: string, description: string, executions: ExecutionSpec[]): FlowSpec => ({
  alias,
  description,
  providerId: 'basic-flow',
  executions,
});

export const BROWSER_FLOW = basic('browser', 'Browser based authentication', [
  step('auth-cookie', 'ALTERNATIVE', 10),
  step('auth-spnego', 'DISABLED', 20),
  step('identity-provider-redirector', 'ALTERNATIVE', 25),
  subflow(
    basic('Organization', '', [
      subflow(
        basic(
          'Browser - Conditional Organization',
          'Flow to determine if the organization identity-first login is to be used',
          [step('conditional-user-configured', 'REQUIRED', 10), step('organization', 'ALTERNATIVE', 20)],
        ),
        'CONDITIONAL',
        10,
      ),
    ]),
    'ALTERNATIVE',
    26,
  ),
  subflow(
    basic('forms', 'Username, password, otp and other auth forms.', [
      step('auth-username-password-form', 'REQUIRED', 10),
      subflow(
        basic('Browser - Conditional 2FA', 'Flow to determine if any 2FA is required for the authentication', [
          step('conditional-user-configured', 'REQUIRED', 10),
          // Skips the second factor after a passkey sign-in; a password user always meets it.
          {
            authenticator: 'conditional-credential',
            requirement: 'REQUIRED',
            priority: 20,
            config: { alias: 'browser-conditional-credential', config: { credentials: 'webauthn-passwordless' } },
          },
          step('auth-otp-form', 'ALTERNATIVE', 30),
          step('webauthn-authenticator', 'DISABLED', 40),
          step('auth-recovery-authn-code-form', 'DISABLED', 50),
        ]),
        'CONDITIONAL',
        20,
      ),
    ]),
    'ALTERNATIVE',
    30,
  ),
]);

export const DIRECT_GRANT_FLOW = basic('direct grant', 'OpenID Connect Resource Owner Grant', [
  step('direct-grant-validate-username', 'REQUIRED', 10),
  step('direct-grant-validate-password', 'REQUIRED', 20),
  subflow(
    basic('Direct Grant - Conditional OTP', 'Flow to determine if the OTP is required for the authentication', [
      step('conditional-user-configured', 'REQUIRED', 10),
      step('direct-grant-validate-otp', 'REQUIRED', 20),
    ]),
    'CONDITIONAL',
    30,
  ),
]);

export const REGISTRATION_FLOW = basic('registration', 'Registration flow', [
  subflow(
    {
      alias: 'registration form',
      description: 'Registration form',
      providerId: 'form-flow',
      executions: [
        step('registration-user-creation', 'REQUIRED', 20),
        step('registration-password-action', 'REQUIRED', 50),
        step('registration-recaptcha-action', 'DISABLED', 60),
        step('registration-terms-and-conditions', 'DISABLED', 70),
      ],
    },
    'REQUIRED',
    10,
    'registration-page-form',
  ),
]);

export const RESET_CREDENTIALS_FLOW = basic(
  'reset credentials',
  'Reset credentials for a user if they forgot their password or something',
  [
    step('reset-credentials-choose-user', 'REQUIRED', 10),
    step('reset-credential-email', 'REQUIRED', 20),
    step('reset-password', 'REQUIRED', 30),
    subflow(
      basic(
        'Reset - Conditional OTP',
        'Flow to determine if the OTP should be reset or not. Set to REQUIRED to force.',
        [step('conditional-user-configured', 'REQUIRED', 10), step('reset-otp', 'REQUIRED', 20)],
      ),
      'CONDITIONAL',
      40,
    ),
  ],
);

export const CLIENTS_FLOW: FlowSpec = {
  alias: 'clients',
  description: 'Base authentication for clients',
  providerId: 'client-flow',
  executions: [
    step('client-secret', 'ALTERNATIVE', 10),
    step('client-jwt', 'ALTERNATIVE', 20),
    step('client-secret-jwt', 'ALTERNATIVE', 30),
    step('client-x509', 'ALTERNATIVE', 40),
  ],
};

export const FIRST_BROKER_LOGIN_FLOW = basic(
  'first broker login',
  'Actions taken after first broker login with identity provider account, which is not yet linked to any Keycloak account',
  [
    {
      authenticator: 'idp-review-profile',
      requirement: 'REQUIRED',
      priority: 10,
      config: { alias: 'review profile config', config: { 'update.profile.on.first.login': 'missing' } },
    },
    subflow(
      basic('User creation or linking', 'Flow for the existing/non-existing user alternatives', [
        {
          authenticator: 'idp-create-user-if-unique',
          requirement: 'ALTERNATIVE',
          priority: 10,
          config: {
            alias: 'create unique user config',
            config: { 'require.password.update.after.registration': 'false' },
          },
        },
        subflow(
          basic(
            'Handle Existing Account',
            'Handle what to do if there is existing account with same email/username like authenticated identity provider',
            [
              step('idp-confirm-link', 'REQUIRED', 10),
              subflow(
                basic('Account verification options', 'Method with which to verity the existing account', [
                  step('idp-email-verification', 'ALTERNATIVE', 10),
                  subflow(
                    basic('Verify Existing Account by Re-authentication', 'Reauthentication of existing account', [
                      step('idp-username-password-form', 'REQUIRED', 10),
                      subflow(
                        basic(
                          'First broker login - Conditional 2FA',
                          'Flow to determine if any 2FA is required for the authentication',
                          [
                            step('conditional-user-configured', 'REQUIRED', 10),
                            step('auth-otp-form', 'ALTERNATIVE', 20),
                            step('webauthn-authenticator', 'DISABLED', 30),
                            step('auth-recovery-authn-code-form', 'DISABLED', 40),
                          ],
                        ),
                        'CONDITIONAL',
                        20,
                      ),
                    ]),
                    'ALTERNATIVE',
                    20,
                  ),
                ]),
                'REQUIRED',
                20,
              ),
            ],
          ),
          'ALTERNATIVE',
          20,
        ),
      ]),
      'REQUIRED',
      20,
    ),
  ],
);

export const DOCKER_AUTH_FLOW = basic('docker auth', 'Used by Docker clients to authenticate against the IDP', [
  step('docker-http-basic-authenticator', 'REQUIRED', 10),
]);

/** The master realm's browser flow has no Organization subflow (organizations are per realm). */
export const MASTER_BROWSER_FLOW: FlowSpec = {
  ...BROWSER_FLOW,
  executions: BROWSER_FLOW.executions.filter((e) => !('flow' in e && e.flow.alias === 'Organization')),
};

/** In the order Keycloak lists them for a new realm. */
export const builtinFlows = (master: boolean): FlowSpec[] => [
  master ? MASTER_BROWSER_FLOW : BROWSER_FLOW,
  DIRECT_GRANT_FLOW,
  REGISTRATION_FLOW,
  RESET_CREDENTIALS_FLOW,
  CLIENTS_FLOW,
  FIRST_BROKER_LOGIN_FLOW,
  DOCKER_AUTH_FLOW,
];
