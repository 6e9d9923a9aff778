import { createTestRealm, describeEmulatorOnly, http, tokenFor } from '../support/keycloak.js';
import { kc, kut, useKeycloakAdmin } from '../support/keycloak-admin.js';

let realm: string;

const login = (username: string, password: string) =>
  tokenFor(kut, realm, { grant_type: 'password', client_id: 'admin-cli', username, password });

useKeycloakAdmin();
beforeAll(async () => {
  realm = await createTestRealm(kc, 'events');
  await kc.realms.updateConfigEvents(
    { realm },
    {
      eventsEnabled: true,
      eventsListeners: ['jboss-logging'],
      adminEventsEnabled: true,
      adminEventsDetailsEnabled: true,
    },
  );
  await kc.users.create({
    realm,
    username: 'eve',
    enabled: true,
    credentials: [{ type: 'password', value: 'eve-pass' }],
  });
});

describe('user events', () => {
  test('logins and failed logins are recorded with Keycloak’s fields, newest first', async () => {
    await kc.realms.clearEvents({ realm });
    expect((await login('eve', 'eve-pass')).status).toBe(200);
    expect((await login('eve', 'wrong')).status).toBe(401);
    const events = await kc.realms.findEvents({ realm });
    expect(events.map((e) => e.type)).toEqual(['LOGIN_ERROR', 'LOGIN']);
    const [failure, success] = events;
    const [eve] = await kc.users.find({ realm, username: 'eve', exact: true });
    expect(success).toMatchObject({
      type: 'LOGIN',
      clientId: 'admin-cli',
      userId: eve?.id,
      details: expect.objectContaining({ username: 'eve' }),
    });
    expect(success?.sessionId).toEqual(expect.any(String));
    expect(typeof success?.time).toBe('number');
    expect(failure).toMatchObject({ type: 'LOGIN_ERROR', error: 'invalid_user_credentials', userId: eve?.id });
  });

  test('filters by type, user, client and date, ascending order and paging', async () => {
    await kc.realms.clearEvents({ realm });
    const before = Date.now();
    for (let i = 0; i < 3; i += 1) await login('eve', 'eve-pass');
    await login('eve', 'wrong');
    const [eve] = await kc.users.find({ realm, username: 'eve', exact: true });

    expect(await kc.realms.findEvents({ realm, type: 'LOGIN_ERROR' })).toHaveLength(1);
    expect(await kc.realms.findEvents({ realm, type: ['LOGIN', 'LOGIN_ERROR'] })).toHaveLength(4);
    expect(await kc.realms.findEvents({ realm, user: eve?.id })).toHaveLength(4);
    expect(await kc.realms.findEvents({ realm, client: 'other-client' })).toHaveLength(0);
    expect(await kc.realms.findEvents({ realm, dateFrom: String(before) } as never)).toHaveLength(4);
    expect(await kc.realms.findEvents({ realm, dateTo: String(before - 60_000) } as never)).toHaveLength(0);

    const ascending = await http(kut, `/admin/realms/${realm}/events?direction=asc`, {
      token: (await kc.getAccessToken()) as string,
    });
    expect(ascending.json.map((e: { type: string }) => e.type)).toEqual(['LOGIN', 'LOGIN', 'LOGIN', 'LOGIN_ERROR']);
    const times = ascending.json.map((e: { time: number }) => e.time);
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const firstPage = await kc.realms.findEvents({ realm, first: 0, max: 2 });
    const secondPage = await kc.realms.findEvents({ realm, first: 2, max: 2 });
    expect(firstPage).toHaveLength(2);
    expect(secondPage).toHaveLength(2);
    const ids = new Set([...firstPage, ...secondPage].map((e) => (e as { id: string }).id));
    expect(ids.size).toBe(4);
  });

  test('bad dates and directions answer 400 with Keycloak’s messages', async () => {
    const token = (await kc.getAccessToken()) as string;
    const badDate = await http(kut, `/admin/realms/${realm}/events?dateFrom=yesterday`, { token });
    expect(badDate.status).toBe(400);
    expect(badDate.json).toEqual({
      error: "Invalid value for 'dateFrom', expected format is yyyy-MM-dd or an Epoch timestamp",
    });
    const badDirection = await http(kut, `/admin/realms/${realm}/events?direction=up`, { token });
    expect(badDirection.status).toBe(400);
    expect(badDirection.json).toEqual({ error: 'Invalid value for sortDirection, expected value is asc or desc' });
  });

  test('nothing is recorded while events are disabled, or for types not enabled', async () => {
    const quiet = await createTestRealm(kc, 'quiet');
    await kc.users.create({
      realm: quiet,
      username: 'q',
      enabled: true,
      credentials: [{ type: 'password', value: 'q-pass' }],
    });
    await tokenFor(kut, quiet, { grant_type: 'password', client_id: 'admin-cli', username: 'q', password: 'q-pass' });
    expect(await kc.realms.findEvents({ realm: quiet })).toEqual([]);

    await kc.realms.updateConfigEvents({ realm: quiet }, { eventsEnabled: true, enabledEventTypes: ['LOGIN_ERROR'] });
    await tokenFor(kut, quiet, { grant_type: 'password', client_id: 'admin-cli', username: 'q', password: 'q-pass' });
    await tokenFor(kut, quiet, { grant_type: 'password', client_id: 'admin-cli', username: 'q', password: 'bad' });
    expect((await kc.realms.findEvents({ realm: quiet })).map((e) => e.type)).toEqual(['LOGIN_ERROR']);
  });
});

describe('admin events', () => {
  test('admin writes are recorded with the acting client, user and representation', async () => {
    await kc.realms.clearAdminEvents({ realm });
    const { id } = await kc.users.create({ realm, username: 'frank', enabled: true });
    await kc.users.del({ realm, id });
    const events = await kc.realms.findAdminEvents({ realm });
    const ops = events.map((e) => [e.operationType, e.resourceType, e.resourcePath]);
    expect(ops).toEqual([
      ['DELETE', 'USER', `users/${id}`],
      ['CREATE', 'USER', `users/${id}`],
    ]);
    const created = events[1];
    expect(JSON.parse(created?.representation as string)).toMatchObject({ username: 'frank' });
    const adminCli = (await kc.clients.find({ realm: 'master', clientId: 'admin-cli' }))[0];
    const [admin] = await kc.users.find({ realm: 'master', username: kut.adminUsername, exact: true });
    expect(created?.authDetails).toMatchObject({ clientId: adminCli?.id, userId: admin?.id });
  });

  test('filters by operation, resource type and path pattern', async () => {
    await kc.realms.clearAdminEvents({ realm });
    const { id } = await kc.users.create({ realm, username: 'gina', enabled: true });
    await kc.users.update({ realm, id }, { firstName: 'Gina' });
    await kc.realms.update({ realm }, { displayName: 'Events Lab' });
    expect(await kc.realms.findAdminEvents({ realm, operationTypes: 'UPDATE' })).toHaveLength(2);
    expect(await kc.realms.findAdminEvents({ realm, resourceTypes: 'USER' })).toHaveLength(2);
    expect(await kc.realms.findAdminEvents({ realm, resourcePath: 'users/*' })).toHaveLength(2);
    expect(await kc.realms.findAdminEvents({ realm, resourcePath: `users/${id}` })).toHaveLength(2);
  });
});

// Emulator only: an event two minutes old is planted in the emulator's state (a real Keycloak's clock can't be wound).
describeEmulatorOnly('event retention', () => {
  test('events older than eventsExpiration are gone', async () => {
    const emulator = kut.emulator!;
    const short = await createTestRealm(kc, 'retention');
    await kc.realms.updateConfigEvents({ realm: short }, { eventsEnabled: true, eventsExpiration: 60 });
    const model = emulator.state.realm(short);
    model.events.push({ id: 'old', time: Date.now() - 120_000, type: 'LOGIN', realmId: model.id });
    model.events.push({ id: 'new', time: Date.now(), type: 'LOGIN', realmId: model.id });
    const events = await kc.realms.findEvents({ realm: short });
    expect(events.map((e) => (e as { id: string }).id)).toEqual(['new']);
  });
});
