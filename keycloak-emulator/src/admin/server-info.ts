/**
 * The provider parts of `/admin/serverinfo`: the SPIs and provider ids the emulator implements
 * (authenticators, required actions, protocol mappers, event listener, login protocol), the protocol
 * mapper types with their display names, and the built-in mappers of the OIDC protocol.
 */
import { providersOfKind } from '../flows/providers.js';
import { OIDC } from '../state/client-scopes.js';
import { builtinRequiredActions, UNREGISTERED_REQUIRED_ACTION_PROVIDERS } from '../state/realm-defaults.js';

/** Mapper types applied to tokens (oidc/claims.ts), with Keycloak's display names and categories. */
const MAPPER_TYPES: [id: string, name: string, category: string][] = [
  ['oidc-usermodel-attribute-mapper', 'User Attribute', 'Token mapper'],
  ['oidc-usermodel-property-mapper', 'User Property', 'Token mapper'],
  ['oidc-full-name-mapper', "User's full name", 'Token mapper'],
  ['oidc-hardcoded-claim-mapper', 'Hardcoded claim', 'Token mapper'],
  ['oidc-usermodel-realm-role-mapper', 'User Realm Role', 'Token mapper'],
  ['oidc-usermodel-client-role-mapper', 'User Client Role', 'Token mapper'],
  ['oidc-audience-mapper', 'Audience', 'Token mapper'],
  ['oidc-audience-resolve-mapper', 'Audience Resolve', 'Token mapper'],
  ['oidc-allowed-origins-mapper', 'Allowed Web Origins', 'Token mapper'],
  ['oidc-acr-mapper', 'Authentication Context Class Reference (ACR)', 'Token mapper'],
  ['oidc-amr-mapper', 'Authentication Method Reference (AMR)', 'Token mapper'],
  ['oidc-usersessionmodel-note-mapper', 'User Session Note', 'Token mapper'],
  ['oidc-sub-mapper', 'Subject (sub)', 'Token mapper'],
];

const providerMap = (ids: string[]) => ({
  internal: false,
  providers: Object.fromEntries(ids.map((id) => [id, { order: 0 }])),
});

export const serverInfoProviders = () => ({
  providers: {
    authenticator: providerMap(providersOfKind('authenticator').map((p) => p.id)),
    'client-authenticator': providerMap(providersOfKind('client').map((p) => p.id)),
    'required-action': providerMap([
      ...builtinRequiredActions().map((a) => a.providerId),
      ...UNREGISTERED_REQUIRED_ACTION_PROVIDERS.map((p) => p.providerId),
    ]),
    'protocol-mapper': providerMap(MAPPER_TYPES.map(([id]) => id)),
    eventsListener: providerMap(['jboss-logging']),
    'login-protocol': providerMap([OIDC]),
  },
  protocolMapperTypes: {
    [OIDC]: MAPPER_TYPES.map(([id, name, category], priority) => ({
      id,
      name,
      category,
      helpText: '',
      priority,
      properties: [],
    })),
  },
  builtinProtocolMappers: { [OIDC]: [] },
});
