import jwt from 'jsonwebtoken';
import { createTestRealm, http, tokenFor } from '../support/keycloak.js';
import { kc, kut, useKeycloakAdmin } from '../support/keycloak-admin.js';

useKeycloakAdmin();

const passwordGrant = (realm: string, username: string, password: string) =>
  tokenFor(kut, realm, { grant_type: 'password', client_id: 'admin-cli', username, password });

describe('discovery and keys', () => {
  test('the OpenID configuration names this realm and its endpoints', async () => {
    const response = await http(kut, '/realms/master/.well-known/openid-configuration');
    expect(response.status).toBe(200);
    const issuer = `${kut.baseUrl}/realms/master`;
    expect(response.json).toMatchObject({
      issuer,
      token_endpoint: `${issuer}/protocol/openid-connect/token`,
      authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
      jwks_uri: `${issuer}/protocol/openid-connect/certs`,
      end_session_endpoint: `${issuer}/protocol/openid-connect/logout`,
    });
    expect(response.json.grant_types_supported).toEqual(
      expect.arrayContaining(['password', 'client_credentials', 'authorization_code', 'refresh_token']),
    );
    expect(response.json.code_challenge_methods_supported).toContain('S256');
  });

  test('tokens verify against the realm JWKS with RS256', async () => {
    const response = await passwordGrant('master', kut.adminUsername, kut.adminPassword);
    expect(response.status).toBe(200);
    const certs = await http(kut, '/realms/master/protocol/openid-connect/certs');
    const header = jwt.decode(response.json.access_token, { complete: true })?.header;
    const jwk = certs.json.keys.find((k: { kid: string; use: string }) => k.kid === header?.kid && k.use === 'sig');
    expect(jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    const { createPublicKey } = await import('node:crypto');
    const claims = jwt.verify(response.json.access_token, createPublicKey({ key: jwk, format: 'jwk' }), {
      algorithms: ['RS256'],
      issuer: `${kut.baseUrl}/realms/master`,
    }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ typ: 'Bearer', azp: 'admin-cli', preferred_username: kut.adminUsername });
    expect(claims.realm_access.roles).toContain('admin');
    expect(Number(claims.exp) - Number(claims.iat)).toBe(60); // master's accessTokenLifespan
  });

  test('an unknown realm answers 404', async () => {
    const response = await http(kut, '/realms/no-such-realm/.well-known/openid-configuration');
    expect(response.status).toBe(404);
  });
});

describe('password grant', () => {
  let realm: string;
  beforeAll(async () => {
    realm = await createTestRealm(kc, 'pwgrant');
    await kc.users.create({
      realm,
      username: 'grace',
      email: 'grace@example.org',
      firstName: 'Grace',
      lastName: 'Hopper',
      enabled: true,
      emailVerified: true,
      credentials: [{ type: 'password', value: 'cobol-rules', temporary: false }],
    });
    await kc.users.create({
      realm,
      username: 'disabled',
      enabled: false,
      credentials: [{ type: 'password', value: 'x-pass' }],
    });
    await kc.users.create({
      realm,
      username: 'pending',
      enabled: true,
      requiredActions: ['UPDATE_PROFILE'],
      credentials: [{ type: 'password', value: 'p-pass' }],
    });
  });

  test('issues Keycloak’s token response', async () => {
    const response = await passwordGrant(realm, 'grace', 'cobol-rules');
    expect(response.status).toBe(200);
    expect(Object.keys(response.json).sort()).toEqual(
      [
        'access_token',
        'expires_in',
        'not-before-policy',
        'refresh_expires_in',
        'refresh_token',
        'scope',
        'session_state',
        'token_type',
      ].sort(),
    );
    expect(response.json).toMatchObject({
      token_type: 'Bearer',
      expires_in: 300,
      refresh_expires_in: 1800,
      scope: 'profile email',
    });
    const claims = jwt.decode(response.json.access_token) as jwt.JwtPayload;
    expect(claims).toMatchObject({
      iss: `${kut.baseUrl}/realms/${realm}`,
      typ: 'Bearer',
      azp: 'admin-cli',
      preferred_username: 'grace',
      email: 'grace@example.org',
      given_name: 'Grace',
      family_name: 'Hopper',
      name: 'Grace Hopper',
      email_verified: true,
      sid: response.json.session_state,
    });
    expect(claims.realm_access.roles).toEqual(
      expect.arrayContaining(['offline_access', 'uma_authorization', `default-roles-${realm}`]),
    );
  });

  test('signs in with the email address too', async () => {
    const response = await passwordGrant(realm, 'grace@example.org', 'cobol-rules');
    expect(response.status).toBe(200);
  });

  test('an id_token comes only with the openid scope', async () => {
    const response = await tokenFor(kut, realm, {
      grant_type: 'password',
      client_id: 'admin-cli',
      username: 'grace',
      password: 'cobol-rules',
      scope: 'openid',
    });
    expect(response.json.scope).toBe('openid profile email');
    const id = jwt.decode(response.json.id_token) as jwt.JwtPayload;
    expect(id).toMatchObject({ typ: 'ID', aud: 'admin-cli', preferred_username: 'grace' });
  });

  test('refreshes with the refresh token', async () => {
    const first = await passwordGrant(realm, 'grace', 'cobol-rules');
    const refreshed = await tokenFor(kut, realm, {
      grant_type: 'refresh_token',
      client_id: 'admin-cli',
      refresh_token: first.json.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.session_state).toBe(first.json.session_state);
    const bad = await tokenFor(kut, realm, {
      grant_type: 'refresh_token',
      client_id: 'admin-cli',
      refresh_token: 'garbage',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('invalid_grant');
  });

  test('wrong password, unknown user, disabled user and pending actions answer like Keycloak', async () => {
    const wrong = await passwordGrant(realm, 'grace', 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ error: 'invalid_grant', error_description: 'Invalid user credentials' });
    const unknown = await passwordGrant(realm, 'nobody', 'nope');
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({ error: 'invalid_grant', error_description: 'Invalid user credentials' });
    const disabled = await passwordGrant(realm, 'disabled', 'x-pass');
    expect(disabled.status).toBe(400);
    expect(disabled.json).toEqual({ error: 'invalid_grant', error_description: 'Account disabled' });
    const pending = await passwordGrant(realm, 'pending', 'p-pass');
    expect(pending.status).toBe(400);
    expect(pending.json).toEqual({ error: 'invalid_grant', error_description: 'Account is not fully set up' });
  });

  test('bad requests to the token endpoint', async () => {
    const noGrant = await tokenFor(kut, realm, { client_id: 'admin-cli' });
    expect(noGrant.status).toBe(400);
    expect(noGrant.json.error).toBe('invalid_request');
    const unsupported = await tokenFor(kut, realm, { grant_type: 'magic', client_id: 'admin-cli' });
    expect(unsupported.status).toBe(400);
    expect(unsupported.json).toEqual({ error: 'unsupported_grant_type', error_description: 'Unsupported grant_type' });
    const unknownClient = await tokenFor(kut, realm, {
      grant_type: 'password',
      client_id: 'nope',
      username: 'grace',
      password: 'cobol-rules',
    });
    expect(unknownClient.status).toBe(401);
    expect(unknownClient.json).toEqual({
      error: 'invalid_client',
      error_description: 'Invalid client or Invalid client credentials',
    });
  });
});

describe('client credentials grant', () => {
  let realm: string;
  let clientUuid: string;
  beforeAll(async () => {
    realm = await createTestRealm(kc, 'ccgrant');
    const created = await kc.clients.create({
      realm,
      clientId: 'otp-sidecar',
      publicClient: false,
      serviceAccountsEnabled: true,
      standardFlowEnabled: false,
      secret: 'sidecar-secret-value',
    });
    clientUuid = created.id;
  });

  test('issues a token for the service account without a refresh token or session', async () => {
    const response = await tokenFor(kut, realm, {
      grant_type: 'client_credentials',
      client_id: 'otp-sidecar',
      client_secret: 'sidecar-secret-value',
    });
    expect(response.status).toBe(200);
    expect(response.json.refresh_token).toBeUndefined();
    expect(response.json.refresh_expires_in).toBe(0);
    const claims = jwt.decode(response.json.access_token) as jwt.JwtPayload;
    expect(claims).toMatchObject({
      azp: 'otp-sidecar',
      preferred_username: 'service-account-otp-sidecar',
      client_id: 'otp-sidecar',
    });
    expect(claims.sid).toBeUndefined();
    const serviceAccount = await kc.clients.getServiceAccountUser({ realm, id: clientUuid });
    expect(claims.sub).toBe(serviceAccount.id);
  });

  test('accepts the secret as HTTP Basic credentials', async () => {
    const response = await http(kut, `/realms/${realm}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('otp-sidecar:sidecar-secret-value').toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(200);
  });

  test('a wrong secret and a public client are refused', async () => {
    const wrong = await tokenFor(kut, realm, {
      grant_type: 'client_credentials',
      client_id: 'otp-sidecar',
      client_secret: 'wrong',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({
      error: 'unauthorized_client',
      error_description: 'Invalid client or Invalid client credentials',
    });
    const publicClient = await tokenFor(kut, realm, { grant_type: 'client_credentials', client_id: 'admin-cli' });
    expect(publicClient.status).toBe(401);
    expect(publicClient.json).toEqual({
      error: 'unauthorized_client',
      error_description: 'Public client not allowed to retrieve service account',
    });
  });
});
