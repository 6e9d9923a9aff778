import {
  createTestRealm,
  http,
  type KeycloakUnderTest,
  masterAdminClient,
  startKeycloakUnderTest,
  uniqueName,
} from '../support/keycloak.js';
import { otpCredential } from '../support/users.js';

let kut: KeycloakUnderTest;
let kc: Awaited<ReturnType<typeof masterAdminClient>>;
let token: string;

beforeAll(async () => {
  kut = await startKeycloakUnderTest();
  kc = await masterAdminClient(kut);
  token = (await kc.getAccessToken()) as string;
});
afterAll(() => kut.close());

describe('realms', () => {
  test('a new realm has Keycloak 26 defaults', async () => {
    const name = await createTestRealm(kc, 'defaults');
    const realm = await kc.realms.findOne({ realm: name });
    expect(realm).toMatchObject({
      realm: name,
      enabled: true,
      otpPolicyType: 'totp',
      otpPolicyAlgorithm: 'HmacSHA1',
      otpPolicyDigits: 6,
      otpPolicyLookAheadWindow: 1,
      otpPolicyPeriod: 30,
      otpPolicyInitialCounter: 0,
      otpPolicyCodeReusable: false,
      eventsEnabled: false,
      adminEventsEnabled: false,
      adminEventsDetailsEnabled: false,
      bruteForceProtected: false,
      failureFactor: 30,
      waitIncrementSeconds: 60,
      maxFailureWaitSeconds: 900,
      resetPasswordAllowed: false,
      loginWithEmailAllowed: true,
      actionTokenGeneratedByAdminLifespan: 43200,
      actionTokenGeneratedByUserLifespan: 300,
      accessTokenLifespan: 300,
      browserFlow: 'browser',
      resetCredentialsFlow: 'reset credentials',
      directGrantFlow: 'direct grant',
      defaultRole: expect.objectContaining({ name: `default-roles-${name}`, composite: true, clientRole: false }),
    });
    expect(realm?.otpSupportedApplications).toEqual(
      expect.arrayContaining(['totpAppFreeOTPName', 'totpAppGoogleName', 'totpAppMicrosoftAuthenticatorName']),
    );
    const clients = (await kc.clients.find({ realm: name })).map((c) => c.clientId);
    expect(clients).toEqual(
      expect.arrayContaining([
        'account',
        'account-console',
        'admin-cli',
        'broker',
        'realm-management',
        'security-admin-console',
      ]),
    );
  });

  test('create answers 201 with the realm name as the Location and 409 for a duplicate', async () => {
    const name = uniqueName('loc');
    const created = await http(kut, '/admin/realms', { method: 'POST', token, json: { realm: name, enabled: true } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${kut.baseUrl}/admin/realms/${name}`);
    const again = await http(kut, '/admin/realms/', { method: 'POST', token, json: { realm: name } });
    expect(again.status).toBe(409);
    expect(again.json).toEqual({ errorMessage: 'Conflict detected. See logs for details' });
  });

  test('update merges: fields absent from the body keep their values', async () => {
    const name = await createTestRealm(kc, 'merge');
    await kc.realms.update({ realm: name }, { otpPolicyDigits: 8, displayName: 'Merge Lab' });
    await kc.realms.update({ realm: name }, { resetPasswordAllowed: true });
    const realm = await kc.realms.findOne({ realm: name });
    expect(realm).toMatchObject({
      otpPolicyDigits: 8,
      displayName: 'Merge Lab',
      resetPasswordAllowed: true,
      otpPolicyPeriod: 30,
    });
    // A non-default policy is one only FreeOTP handles.
    expect(realm?.otpSupportedApplications).toEqual(['totpAppFreeOTPName']);
  });

  test('the SMTP password is masked and a masked password in an update keeps the stored one', async () => {
    const name = await createTestRealm(kc, 'smtp');
    const smtpServer = {
      host: 'mail.example.org',
      port: '25',
      from: 'kc@example.org',
      auth: 'true',
      user: 'kc',
      password: 's3cret-smtp',
    };
    await kc.realms.update({ realm: name }, { smtpServer });
    const read = await kc.realms.findOne({ realm: name });
    expect(read?.smtpServer).toMatchObject({ host: 'mail.example.org', password: '**********' });
    expect(JSON.stringify(read)).not.toContain('s3cret-smtp');
    await kc.realms.update({ realm: name }, { smtpServer: { ...read?.smtpServer, from: 'other@example.org' } });
    if (kut.emulator) {
      const stored = kut.emulator.state.realm(name).settings.smtpServer as Record<string, string>;
      expect(stored.password).toBe('s3cret-smtp');
      expect(stored.from).toBe('other@example.org');
    }
  });

  test('delete removes the realm; unknown realms answer 404', async () => {
    const name = await createTestRealm(kc, 'del');
    await kc.realms.del({ realm: name });
    const missing = await http(kut, `/admin/realms/${name}`, { token });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: 'Realm not found.' });
    expect(await kc.realms.findOne({ realm: name })).toBeNull();
  });

  test('the realm list includes master and new realms', async () => {
    const name = await createTestRealm(kc, 'list');
    const names = (await kc.realms.find()).map((r) => r.realm);
    expect(names).toEqual(expect.arrayContaining(['master', name]));
  });

  test('the master realm cannot be deleted', async () => {
    const response = await http(kut, '/admin/realms/master', { method: 'DELETE', token });
    expect(response.status).toBe(400);
  });
});

describe('events configuration', () => {
  test('defaults, update, and the types Keycloak stores when none are chosen', async () => {
    const name = await createTestRealm(kc, 'evcfg');
    const initial = await kc.realms.getConfigEvents({ realm: name });
    expect(initial).toMatchObject({
      eventsEnabled: false,
      eventsListeners: ['jboss-logging'],
      adminEventsEnabled: false,
    });
    expect(initial.enabledEventTypes).toEqual(
      expect.arrayContaining(['LOGIN', 'LOGIN_ERROR', 'UPDATE_TOTP', 'REMOVE_TOTP']),
    );
    expect(initial.enabledEventTypes).not.toContain('REFRESH_TOKEN');

    await kc.realms.updateConfigEvents(
      { realm: name },
      {
        eventsEnabled: true,
        eventsExpiration: 86400,
        enabledEventTypes: ['LOGIN', 'UPDATE_TOTP'],
        adminEventsEnabled: true,
        adminEventsDetailsEnabled: true,
      },
    );
    const updated = await kc.realms.getConfigEvents({ realm: name });
    expect(updated).toMatchObject({
      eventsEnabled: true,
      eventsExpiration: 86400,
      enabledEventTypes: ['LOGIN', 'UPDATE_TOTP'],
      adminEventsEnabled: true,
      adminEventsDetailsEnabled: true,
    });
    expect(await kc.realms.findOne({ realm: name })).toMatchObject({ eventsEnabled: true, eventsExpiration: 86400 });
  });

  test('an unknown event listener is refused', async () => {
    const name = await createTestRealm(kc, 'evlst');
    const response = await http(kut, `/admin/realms/${name}/events/config`, {
      method: 'PUT',
      token,
      json: { eventsListeners: ['no-such-listener'] },
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'Unknown event listener' });
  });
});

describe('partial import', () => {
  test('adds users with password and OTP credentials, then skips or overwrites them', async () => {
    const name = await createTestRealm(kc, 'pimp');
    const users = [
      {
        username: 'pi-alice',
        enabled: true,
        email: 'pi-alice@example.org',
        credentials: [{ type: 'password', value: 'pw-alice' }],
      },
      {
        username: 'pi-bob',
        enabled: true,
        credentials: [otpCredential('Pixel 8', 'JBSWY3DPEHPK3PXP')],
      },
    ];
    const added = await kc.realms.partialImport({ realm: name, rep: { ifResourceExists: 'FAIL', users } as never });
    expect(added).toMatchObject({ added: 2, skipped: 0, overwritten: 0 });
    expect(added.results.map((r: { resourceType: string; action: string }) => [r.resourceType, r.action])).toEqual([
      ['USER', 'ADDED'],
      ['USER', 'ADDED'],
    ]);
    const [bob] = await kc.users.find({ realm: name, username: 'pi-bob', exact: true });
    expect(bob?.totp).toBe(true);
    const credentials = await kc.users.getCredentials({ realm: name, id: bob?.id as string });
    expect(credentials).toEqual([expect.objectContaining({ type: 'otp', userLabel: 'Pixel 8' })]);
    expect(JSON.stringify(credentials)).not.toContain('JBSWY3DPEHPK3PXP');

    const skipped = await kc.realms.partialImport({ realm: name, rep: { ifResourceExists: 'SKIP', users } as never });
    expect(skipped).toMatchObject({ added: 0, skipped: 2 });
    const failed = await http(kut, `/admin/realms/${name}/partialImport`, {
      method: 'POST',
      token,
      json: { ifResourceExists: 'FAIL', users },
    });
    expect(failed.status).toBe(409);
    const overwritten = await kc.realms.partialImport({
      realm: name,
      rep: { ifResourceExists: 'OVERWRITE', users } as never,
    });
    expect(overwritten).toMatchObject({ overwritten: 2 });
    expect(await kc.users.count({ realm: name })).toBe(2);
  });
});

describe('languages (Localization)', () => {
  test('internationalizationEnabled, supportedLocales and defaultLocale round-trip through create, GET and a merging PUT', async () => {
    const name = await createTestRealm(kc, 'i18n', {
      internationalizationEnabled: true,
      supportedLocales: ['en', 'fr'],
      defaultLocale: 'fr',
    });
    const created = await kc.realms.findOne({ realm: name });
    expect(created).toMatchObject({ internationalizationEnabled: true, defaultLocale: 'fr' });
    expect([...(created?.supportedLocales ?? [])].sort()).toEqual(['en', 'fr']);

    await kc.realms.update({ realm: name }, { supportedLocales: ['en', 'fr', 'de'] });
    const updated = await kc.realms.findOne({ realm: name });
    expect(updated).toMatchObject({ internationalizationEnabled: true, defaultLocale: 'fr' });
    expect([...(updated?.supportedLocales ?? [])].sort()).toEqual(['de', 'en', 'fr']);

    const plain = await kc.realms.findOne({ realm: await createTestRealm(kc, 'no-i18n') });
    expect(plain?.internationalizationEnabled).toBe(false);
    expect(plain?.supportedLocales ?? []).toEqual([]);
  });

  test("a user's `locale` attribute is kept while internationalization is on (the user profile manages it), also through partial import", async () => {
    const name = await createTestRealm(kc, 'locale', {
      internationalizationEnabled: true,
      supportedLocales: ['en', 'fr', 'de'],
      defaultLocale: 'en',
    });
    const { id } = await kc.users.create({ realm: name, username: 'chloe', attributes: { locale: ['fr'] } });
    expect((await kc.users.findOne({ realm: name, id }))?.attributes?.locale).toEqual(['fr']);
    await kc.users.update({ realm: name, id }, { attributes: { locale: ['de'] } });
    expect((await kc.users.findOne({ realm: name, id }))?.attributes?.locale).toEqual(['de']);
    await kc.realms.partialImport({
      realm: name,
      rep: { ifResourceExists: 'FAIL', users: [{ username: 'hugo', enabled: true, attributes: { locale: ['fr'] } }] },
    });
    const [hugo] = await kc.users.find({ realm: name, username: 'hugo', exact: true });
    expect(hugo?.attributes?.locale).toEqual(['fr']);
  });
});
