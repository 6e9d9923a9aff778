/**
 * Client scopes, protocol mappers and scope mappings through the admin client, and the mappers' claims in
 * issued tokens (verified in Keycloak's OIDCLoginProtocolFactory — built-in scopes and mappers —,
 * AbstractOIDCProtocolMapper, AudienceProtocolMapper, HardcodedClaim, AmrProtocolMapper/AmrUtils).
 */
import jwt from 'jsonwebtoken';
import { createTestRealm, http, tokenFor } from '../support/keycloak.js';
import { kc, kut, useKeycloakAdmin } from '../support/keycloak-admin.js';

let realm: string;

useKeycloakAdmin();
beforeAll(async () => {
  realm = await createTestRealm(kc, 'kc26-scopes');
  await kc.users.create({
    realm,
    username: 'ada',
    email: 'ada@example.org',
    firstName: 'Ada',
    lastName: 'Lovelace',
    enabled: true,
    emailVerified: true,
    credentials: [{ type: 'password', value: 'engine-1843', temporary: false }],
  });
});

const createClient = async (clientId: string) => {
  const { id } = await kc.clients.create({
    realm,
    clientId,
    publicClient: true,
    directAccessGrantsEnabled: true,
  });
  return id;
};

const accessClaims = async (clientId: string, scope?: string) => {
  const response = await tokenFor(kut, realm, {
    grant_type: 'password',
    client_id: clientId,
    username: 'ada',
    password: 'engine-1843',
    ...(scope ? { scope } : {}),
  });
  expect(response.status).toBe(200);
  return {
    access: jwt.decode(response.json.access_token) as jwt.JwtPayload,
    id: response.json.id_token ? (jwt.decode(response.json.id_token) as jwt.JwtPayload) : undefined,
    scope: response.json.scope as string,
  };
};

describe('built-in client scopes (OIDCLoginProtocolFactory.createDefaultClientScopesImpl)', () => {
  test('a new realm has profile, email, roles, web-origins, acr and basic as default scopes with their mappers', async () => {
    const scopes = await kc.clientScopes.find({ realm });
    const byName = new Map(scopes.map((s) => [s.name, s]));
    for (const name of ['profile', 'email', 'address', 'phone', 'offline_access', 'roles', 'web-origins', 'acr'])
      expect(byName.has(name)).toBe(true);
    const mapperTypes = (name: string) => (byName.get(name)?.protocolMappers ?? []).map((m) => m.protocolMapper);
    expect(mapperTypes('acr')).toEqual(['oidc-acr-mapper']);
    expect(mapperTypes('basic').sort()).toEqual(['oidc-sub-mapper', 'oidc-usersessionmodel-note-mapper']);
    expect(mapperTypes('roles').sort()).toEqual([
      'oidc-audience-resolve-mapper',
      'oidc-usermodel-client-role-mapper',
      'oidc-usermodel-realm-role-mapper',
    ]);
    const username = byName.get('profile')?.protocolMappers?.find((m) => m.name === 'username');
    expect(username?.config).toMatchObject({ 'user.attribute': 'username', 'claim.name': 'preferred_username' });

    const defaults = (await kc.clientScopes.listDefaultClientScopes({ realm } as never)).map((s) => s.name);
    expect(defaults.sort()).toEqual(['acr', 'basic', 'email', 'profile', 'roles', 'web-origins']);
    const optional = (await kc.clientScopes.listDefaultOptionalClientScopes({ realm } as never)).map((s) => s.name);
    expect(optional).toEqual(expect.arrayContaining(['address', 'phone', 'offline_access', 'microprofile-jwt']));
  });

  test('a password grant carries the default scopes’ claims: acr "1", auth_time, sub, roles', async () => {
    await createClient('plain-app');
    const { access, scope } = await accessClaims('plain-app', 'openid');
    expect(scope.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
    expect(access).toMatchObject({ acr: '1', preferred_username: 'ada', email_verified: true, name: 'Ada Lovelace' });
    expect(typeof access.auth_time).toBe('number');
    expect(typeof access.sub).toBe('string');
    expect(access.realm_access.roles).toEqual(expect.arrayContaining([`default-roles-${realm}`]));
  });
});

describe('client scope administration (ClientScopeResource)', () => {
  test('names are scope tokens: a space is refused with 400; a duplicate with 409; a rename follows into client lists', async () => {
    const token = (await kc.getAccessToken()) as string;
    const spaced = await http(kut, `/admin/realms/${realm}/client-scopes`, {
      method: 'POST',
      token,
      json: { name: 'two words', protocol: 'openid-connect' },
    });
    expect(spaced.status).toBe(400);
    expect(spaced.json).toEqual({ errorMessage: 'Unexpected name "two words" for ClientScope' });
    await kc.clientScopes.create({ realm, name: 'renamable', protocol: 'openid-connect' });
    const duplicate = await http(kut, `/admin/realms/${realm}/client-scopes`, {
      method: 'POST',
      token,
      json: { name: 'renamable', protocol: 'openid-connect' },
    });
    expect(duplicate.status).toBe(409);
    const scope = await kc.clientScopes.findOneByName({ realm, name: 'renamable' });
    const clientUuid = await createClient('rename-app');
    await kc.clients.addDefaultClientScope({ realm, id: clientUuid, clientScopeId: scope?.id as string });
    await kc.clientScopes.update({ realm, id: scope?.id as string }, { ...scope, name: 'renamed' });
    const defaults = (await kc.clients.listDefaultClientScopes({ realm, id: clientUuid })).map((s) => s.name);
    expect(defaults).toContain('renamed');
    expect(defaults).not.toContain('renamable');
    await kc.clientScopes.del({ realm, id: scope?.id as string });
    expect((await kc.clients.listDefaultClientScopes({ realm, id: clientUuid })).map((s) => s.name)).not.toContain(
      'renamed',
    );
  });
});

describe('client scopes and protocol mappers applied to tokens', () => {
  test('a new scope with a hardcoded-claim mapper reaches tokens when the client asks for it as optional', async () => {
    await kc.clientScopes.create({
      realm,
      name: 'helpdesk',
      protocol: 'openid-connect',
      attributes: { 'include.in.token.scope': 'true', 'display.on.consent.screen': 'false' },
    });
    const scope = await kc.clientScopes.findOneByName({ realm, name: 'helpdesk' });
    if (!scope?.id) throw new Error('scope not created');
    await kc.clientScopes.addProtocolMapper(
      { realm, id: scope.id },
      {
        name: 'desk',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-hardcoded-claim-mapper',
        config: {
          'claim.name': 'desk.level',
          'claim.value': '2',
          'jsonType.label': 'int',
          'access.token.claim': 'true',
          'id.token.claim': 'false',
        },
      },
    );
    const clientUuid = await createClient('desk-app');
    await kc.clients.addOptionalClientScope({ realm, id: clientUuid, clientScopeId: scope.id });
    const optional = (await kc.clients.listOptionalClientScopes({ realm, id: clientUuid })).map((s) => s.name);
    expect(optional).toContain('helpdesk');

    const without = await accessClaims('desk-app');
    expect(without.access.desk).toBeUndefined();
    const asked = await accessClaims('desk-app', 'openid helpdesk');
    expect(asked.access.desk).toEqual({ level: 2 });
    expect(asked.scope.split(' ')).toContain('helpdesk');
    expect(asked.id?.desk).toBeUndefined();
  });

  test('client mappers: audience, user attribute and AMR; removing the acr scope removes acr', async () => {
    const clientUuid = await createClient('mapped-app');
    await kc.clients.addProtocolMapper(
      { realm, id: clientUuid },
      {
        name: 'api audience',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-audience-mapper',
        config: { 'included.custom.audience': 'otp-api', 'access.token.claim': 'true', 'id.token.claim': 'false' },
      },
    );
    await kc.clients.addProtocolMapper(
      { realm, id: clientUuid },
      {
        name: 'mail',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        config: {
          'user.attribute': 'email',
          'claim.name': 'mail',
          'jsonType.label': 'String',
          'access.token.claim': 'true',
          'id.token.claim': 'true',
        },
      },
    );
    await kc.clients.addProtocolMapper(
      { realm, id: clientUuid },
      {
        name: 'amr',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-amr-mapper',
        config: { 'access.token.claim': 'true', 'id.token.claim': 'true' },
      },
    );
    const mappers = await kc.clients.listProtocolMappers({ realm, id: clientUuid });
    expect(mappers.map((m) => m.name).sort()).toEqual(['amr', 'api audience', 'mail']);

    const { access } = await accessClaims('mapped-app');
    expect([access.aud].flat()).toContain('otp-api');
    expect(access.mail).toBe('ada@example.org');
    // No execution of the direct-grant flow carries a reference value, so the list is empty.
    expect(access.amr).toEqual([]);

    const acr = (await kc.clientScopes.findOneByName({ realm, name: 'acr' }))?.id as string;
    await kc.clients.delDefaultClientScope({ realm, id: clientUuid, clientScopeId: acr });
    const withoutAcr = await accessClaims('mapped-app');
    expect(withoutAcr.access.acr).toBeUndefined();
  });

  test('scope mappings limit the roles of a client without full scope', async () => {
    const clientUuid = await createClient('narrow-app');
    await kc.clients.update({ realm, id: clientUuid }, { clientId: 'narrow-app', fullScopeAllowed: false });
    const before = await accessClaims('narrow-app');
    expect(before.access.realm_access).toBeUndefined();
    const offline = await kc.roles.findOneByName({ realm, name: 'offline_access' });
    await kc.clients.addRealmScopeMappings({ realm, id: clientUuid }, [offline as never]);
    expect((await kc.clients.listRealmScopeMappings({ realm, id: clientUuid })).map((r) => r.name)).toEqual([
      'offline_access',
    ]);
    const after = await accessClaims('narrow-app');
    expect(after.access.realm_access.roles).toEqual(['offline_access']);
  });
});
