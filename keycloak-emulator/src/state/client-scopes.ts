/**
 * Keycloak 26's built-in client scopes and their mappers, installed in every new realm. Names, mapper
 * types, claims and which scopes are realm defaults follow OIDCLoginProtocolFactory
 * (`createDefaultClientScopesImpl`, `initBuiltIns`) and DefaultClientScopes (offline_access).
 */
import { randomUUID } from 'node:crypto';
import type { ClientScopeModel, ProtocolMapperModel, RealmModel, RoleModel } from './model.js';

export const OIDC = 'openid-connect';

/** Where a claim goes: Keycloak's `*.claim` config switches. */
interface Targets {
  access?: boolean;
  id?: boolean;
  userinfo?: boolean;
  introspection?: boolean;
}

const targetConfig = ({ access = true, id = true, userinfo = true, introspection = true }: Targets) => ({
  'access.token.claim': String(access),
  'id.token.claim': String(id),
  'userinfo.token.claim': String(userinfo),
  'introspection.token.claim': String(introspection),
});

export const newMapper = (
  name: string,
  protocolMapper: string,
  config: Record<string, string>,
): ProtocolMapperModel => ({
  id: randomUUID(),
  name,
  protocol: OIDC,
  protocolMapper,
  config,
});

const attributeMapper = (name: string, attribute: string, claim: string, type = 'String', targets: Targets = {}) =>
  newMapper(name, 'oidc-usermodel-attribute-mapper', {
    'user.attribute': attribute,
    'claim.name': claim,
    'jsonType.label': type,
    ...targetConfig(targets),
  });

const PROFILE_ATTRIBUTES: [string, string, string, string?][] = [
  ['family name', 'lastName', 'family_name'],
  ['given name', 'firstName', 'given_name'],
  ['middle name', 'middleName', 'middle_name'],
  ['nickname', 'nickname', 'nickname'],
  ['username', 'username', 'preferred_username'],
  ['profile', 'profile', 'profile'],
  ['picture', 'picture', 'picture'],
  ['website', 'website', 'website'],
  ['gender', 'gender', 'gender'],
  ['birthdate', 'birthdate', 'birthdate'],
  ['zoneinfo', 'zoneinfo', 'zoneinfo'],
  ['locale', 'locale', 'locale'],
  ['updated at', 'updatedAt', 'updated_at', 'long'],
];

interface ScopeSpec {
  name: string;
  description: string;
  protocol?: string;
  consentText?: string;
  displayOnConsent: boolean;
  includeInTokenScope: boolean;
  mappers: () => ProtocolMapperModel[];
  /** realm default (true), realm optional (false), or neither (undefined) */
  realmDefault?: boolean;
}

const BUILTIN_SCOPES: ScopeSpec[] = [
  {
    name: 'profile',
    description: 'OpenID Connect built-in scope: profile',
    consentText: '${profileScopeConsentText}',
    displayOnConsent: true,
    includeInTokenScope: true,
    realmDefault: true,
    mappers: () => [
      newMapper('full name', 'oidc-full-name-mapper', targetConfig({})),
      ...PROFILE_ATTRIBUTES.map(([name, attribute, claim, type]) => attributeMapper(name, attribute, claim, type)),
    ],
  },
  {
    name: 'email',
    description: 'OpenID Connect built-in scope: email',
    consentText: '${emailScopeConsentText}',
    displayOnConsent: true,
    includeInTokenScope: true,
    realmDefault: true,
    mappers: () => [
      attributeMapper('email', 'email', 'email'),
      newMapper('email verified', 'oidc-usermodel-property-mapper', {
        'user.attribute': 'emailVerified',
        'claim.name': 'email_verified',
        'jsonType.label': 'boolean',
        ...targetConfig({}),
      }),
    ],
  },
  {
    name: 'address',
    description: 'OpenID Connect built-in scope: address',
    consentText: '${addressScopeConsentText}',
    displayOnConsent: true,
    includeInTokenScope: true,
    realmDefault: false,
    mappers: () => [newMapper('address', 'oidc-address-mapper', targetConfig({}))],
  },
  {
    name: 'phone',
    description: 'OpenID Connect built-in scope: phone',
    consentText: '${phoneScopeConsentText}',
    displayOnConsent: true,
    includeInTokenScope: true,
    realmDefault: false,
    mappers: () => [
      attributeMapper('phone number', 'phoneNumber', 'phone_number'),
      attributeMapper('phone number verified', 'phoneNumberVerified', 'phone_number_verified', 'boolean'),
    ],
  },
  {
    name: 'offline_access',
    description: 'OpenID Connect built-in scope: offline_access',
    consentText: '${offlineAccessScopeConsentText}',
    displayOnConsent: true,
    includeInTokenScope: true,
    realmDefault: false,
    mappers: () => [],
  },
  {
    name: 'roles',
    description: 'OpenID Connect scope for add user roles to the access token',
    consentText: '${rolesScopeConsentText}',
    displayOnConsent: true,
    includeInTokenScope: false,
    realmDefault: true,
    mappers: () => [
      newMapper('realm roles', 'oidc-usermodel-realm-role-mapper', {
        'claim.name': 'realm_access.roles',
        'jsonType.label': 'String',
        multivalued: 'true',
        ...targetConfig({ id: false, userinfo: false }),
      }),
      newMapper('client roles', 'oidc-usermodel-client-role-mapper', {
        'claim.name': 'resource_access.${client_id}.roles',
        'jsonType.label': 'String',
        multivalued: 'true',
        ...targetConfig({ id: false, userinfo: false }),
      }),
      newMapper('audience resolve', 'oidc-audience-resolve-mapper', {
        'access.token.claim': 'true',
        'introspection.token.claim': 'true',
      }),
    ],
  },
  {
    name: 'web-origins',
    description: 'OpenID Connect scope for add allowed web origins to the access token',
    consentText: '',
    displayOnConsent: false,
    includeInTokenScope: false,
    realmDefault: true,
    mappers: () => [
      newMapper('allowed web origins', 'oidc-allowed-origins-mapper', {
        'access.token.claim': 'true',
        'introspection.token.claim': 'true',
      }),
    ],
  },
  {
    name: 'microprofile-jwt',
    description: 'Microprofile - JWT built-in scope',
    displayOnConsent: false,
    includeInTokenScope: true,
    realmDefault: false,
    mappers: () => [
      attributeMapper('upn', 'username', 'upn'),
      newMapper('groups', 'oidc-usermodel-realm-role-mapper', {
        'claim.name': 'groups',
        'jsonType.label': 'String',
        multivalued: 'true',
        ...targetConfig({}),
      }),
    ],
  },
  {
    name: 'acr',
    description: 'OpenID Connect scope for add acr (authentication context class reference) to the token',
    displayOnConsent: false,
    includeInTokenScope: false,
    realmDefault: true,
    mappers: () => [newMapper('acr loa level', 'oidc-acr-mapper', targetConfig({ userinfo: false }))],
  },
  {
    name: 'basic',
    description: 'OpenID Connect scope for add all basic claims to the token',
    displayOnConsent: false,
    includeInTokenScope: false,
    realmDefault: true,
    mappers: () => [
      newMapper('auth_time', 'oidc-usersessionmodel-note-mapper', {
        'user.session.note': 'AUTH_TIME',
        'claim.name': 'auth_time',
        'jsonType.label': 'long',
        ...targetConfig({ userinfo: false }),
      }),
      newMapper('sub', 'oidc-sub-mapper', { 'access.token.claim': 'true', 'introspection.token.claim': 'true' }),
    ],
  },
  {
    name: 'organization',
    description: 'Additional claims about the organization a subject belongs to',
    consentText: '${organizationScopeConsentText}',
    displayOnConsent: true,
    includeInTokenScope: true,
    realmDefault: false,
    mappers: () => [newMapper('organization', 'oidc-organization-membership-mapper', targetConfig({}))],
  },
  {
    name: 'role_list',
    description: 'SAML role list',
    protocol: 'saml',
    consentText: '${samlRoleListScopeConsentText}',
    displayOnConsent: true,
    includeInTokenScope: true,
    mappers: () => [
      {
        ...newMapper('role list', 'saml-role-list-mapper', {
          single: 'false',
          'attribute.nameformat': 'Basic',
          'attribute.name': 'Role',
        }),
        protocol: 'saml',
      },
    ],
  },
];

export const newClientScope = (fields: Partial<ClientScopeModel> & { name: string }): ClientScopeModel => ({
  id: randomUUID(),
  protocol: OIDC,
  attributes: {},
  protocolMappers: [],
  scopeMappings: { realmRoleIds: new Set(), clientRoleIds: new Map() },
  ...fields,
});

const scopeFromSpec = (spec: ScopeSpec, offlineRole: RoleModel | undefined): ClientScopeModel => {
  const scope = newClientScope({
    name: spec.name,
    description: spec.description,
    protocol: spec.protocol ?? OIDC,
    attributes: {
      'include.in.token.scope': String(spec.includeInTokenScope),
      'display.on.consent.screen': String(spec.displayOnConsent),
      ...(spec.consentText === undefined ? {} : { 'consent.screen.text': spec.consentText }),
    },
    protocolMappers: spec.mappers(),
  });
  // offline_access lets the offline_access role into tokens (DefaultClientScopes).
  if (spec.name === 'offline_access' && offlineRole) scope.scopeMappings.realmRoleIds.add(offlineRole.id);
  return scope;
};

/** Installs the built-in scopes and the realm's default and optional scope lists. */
export const installBuiltinClientScopes = (realm: RealmModel): void => {
  const offlineRole = realm.roles.get('offline_access');
  for (const spec of BUILTIN_SCOPES) {
    const scope = scopeFromSpec(spec, offlineRole);
    realm.clientScopes.set(scope.id, scope);
    if (spec.realmDefault === true) realm.defaultDefaultClientScopes.push(spec.name);
    if (spec.realmDefault === false) realm.defaultOptionalClientScopes.push(spec.name);
  }
};

export const clientScopeByName = (realm: RealmModel, name: string): ClientScopeModel | undefined => {
  for (const scope of realm.clientScopes.values()) if (scope.name === name) return scope;
  return undefined;
};
