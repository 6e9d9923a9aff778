/** Discovery (`.well-known/openid-configuration`) and the realm's signing keys (JWKS), as Keycloak 26 publishes them. */
import { type Request, Router } from 'express';
import type { RealmModel } from '../state/model.js';
import type { EmulatorState } from '../state/store.js';
import { baseUrlOf } from './base-url.js';
import { jwks } from './keys.js';
import { issuerOf } from './tokens.js';

const CLIENT_AUTH_METHODS = [
  'private_key_jwt',
  'client_secret_basic',
  'client_secret_post',
  'tls_client_auth',
  'client_secret_jwt',
];

/** Keycloak's discovery document, field for field, including what the emulator does not implement. */
const openidConfiguration = (req: Request, realm: RealmModel) => {
  const issuer = issuerOf(baseUrlOf(req), realm);
  const oidc = `${issuer}/protocol/openid-connect`;
  return {
    issuer,
    authorization_endpoint: `${oidc}/auth`,
    token_endpoint: `${oidc}/token`,
    introspection_endpoint: `${oidc}/token/introspect`,
    userinfo_endpoint: `${oidc}/userinfo`,
    end_session_endpoint: `${oidc}/logout`,
    frontchannel_logout_session_supported: true,
    frontchannel_logout_supported: true,
    jwks_uri: `${oidc}/certs`,
    check_session_iframe: `${oidc}/login-status-iframe.html`,
    grant_types_supported: [
      'authorization_code',
      'client_credentials',
      'implicit',
      'password',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code',
      'urn:ietf:params:oauth:grant-type:token-exchange',
      'urn:ietf:params:oauth:grant-type:uma-ticket',
      'urn:openid:params:grant-type:ciba',
    ],
    acr_values_supported: ['0', '1'],
    response_types_supported: [
      'code',
      'none',
      'id_token',
      'token',
      'id_token token',
      'code id_token',
      'code token',
      'code id_token token',
    ],
    subject_types_supported: ['public', 'pairwise'],
    prompt_values_supported: ['none', 'login', 'consent'],
    id_token_signing_alg_values_supported: ['RS256'],
    userinfo_signing_alg_values_supported: ['RS256', 'none'],
    request_object_signing_alg_values_supported: ['RS256', 'none'],
    response_modes_supported: ['query', 'fragment', 'form_post', 'query.jwt', 'fragment.jwt', 'form_post.jwt', 'jwt'],
    registration_endpoint: `${issuer}/clients-registrations/openid-connect`,
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: ['RS256', 'HS256', 'HS512'],
    claims_supported: [
      'aud',
      'sub',
      'iss',
      'auth_time',
      'name',
      'given_name',
      'family_name',
      'preferred_username',
      'email',
      'acr',
    ],
    claim_types_supported: ['normal'],
    claims_parameter_supported: true,
    scopes_supported: [
      'openid',
      'profile',
      'email',
      'roles',
      'web-origins',
      'acr',
      'basic',
      'offline_access',
      'address',
      'phone',
      'microprofile-jwt',
      'organization',
    ],
    request_parameter_supported: true,
    request_uri_parameter_supported: true,
    require_request_uri_registration: true,
    code_challenge_methods_supported: ['plain', 'S256'],
    tls_client_certificate_bound_access_tokens: true,
    revocation_endpoint: `${oidc}/revoke`,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    authorization_response_iss_parameter_supported: true,
  };
};

export const discoveryRouter = (state: EmulatorState): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  const realmOf = (req: Request) => state.realm(String(req.params.realm));
  router.get('/.well-known/openid-configuration', (req, res) => {
    res.json(openidConfiguration(req, realmOf(req)));
  });
  router.get('/protocol/openid-connect/certs', (req, res) => {
    res.json(jwks(realmOf(req)));
  });
  return router;
};
