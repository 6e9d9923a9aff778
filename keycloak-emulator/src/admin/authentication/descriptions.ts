/** Config descriptions (the admin console's forms) of configurable required actions and authenticators. */
import type { Json } from './common.js';

const maxAuthAgeProperty = (): Json => ({
  name: 'max_auth_age',
  label: 'Maximum Age of Authentication',
  helpText:
    'Configures the duration in seconds this action can be used after the last authentication before the user is required to re-authenticate. This parameter is used just in the context of AIA when the kc_action parameter is available in the request, which is for instance when user himself updates his password in the account console.',
  type: 'String',
  defaultValue: '300',
  options: [],
  secret: false,
  required: false,
  readOnly: false,
});

/** Required actions that take a configuration (Keycloak 26: UPDATE_PASSWORD's max_auth_age, ...). */
export const CONFIGURABLE_REQUIRED_ACTIONS: Record<string, Json[]> = {
  UPDATE_PASSWORD: [maxAuthAgeProperty()],
  UPDATE_EMAIL: [maxAuthAgeProperty()],
  delete_credential: [maxAuthAgeProperty()],
  CONFIGURE_TOTP: [maxAuthAgeProperty()],
};

/** Config descriptions of the configurable authenticators this project touches. */
export const CONFIG_PROPERTIES: Record<string, Json[]> = {
  'reset-otp': [
    {
      name: 'action_on_otp_reset_flag',
      label: 'Action on OTP reset',
      helpText:
        'Specifies which OTP credentials are removed when the user resets credentials: none of them, the one the user chooses, or all of them. In every case the user is asked to set up a new one.',
      type: 'List',
      defaultValue: 'Remove none',
      options: ['Remove none', 'Remove one', 'Remove all'],
      secret: false,
      required: false,
      readOnly: false,
    },
  ],
  'conditional-user-role': [
    { name: 'condUserRole', label: 'User role', type: 'Role', secret: false, required: false, readOnly: false },
    {
      name: 'negate',
      label: 'Negate output',
      type: 'boolean',
      defaultValue: false,
      secret: false,
      required: false,
      readOnly: false,
    },
  ],
};
