import KcAdminClient from '@keycloak/keycloak-admin-client';
import { type Emulator, startEmulator } from '../../keycloak-emulator/src/index.js';
import { KeycloakConnection } from '../../sidecar/src/keycloak/connection.js';
import { KeycloakUnavailableError } from '../../sidecar/src/keycloak/errors.js';

// Fault injection needs the emulator's controls, so this file always runs against the emulator.
let emulator: Emulator;
let connection: KeycloakConnection;
const calls: { operation: string; outcome: string }[] = [];

beforeAll(async () => {
  emulator = await startEmulator();
  const admin = new KcAdminClient({ baseUrl: emulator.url, realmName: 'master' });
  await admin.auth({ grantType: 'password', clientId: 'admin-cli', username: 'admin', password: 'admin' });
  await admin.realms.create({ realm: 'conn', enabled: true });
  admin.setConfig({ realmName: 'conn' });
  const { id } = await admin.clients.create({
    clientId: 'otp-sidecar',
    publicClient: false,
    serviceAccountsEnabled: true,
    secret: 'conn-secret',
  });
  const account = await admin.clients.getServiceAccountUser({ id });
  const [management] = await admin.clients.find({ clientId: 'realm-management' });
  const roles = (await admin.clients.listRoles({ id: management?.id as string })).filter((r) =>
    ['view-users', 'view-realm'].includes(r.name as string),
  );
  await admin.users.addClientRoleMappings({
    id: account.id as string,
    clientUniqueId: management?.id as string,
    roles: roles.map((r) => ({ id: r.id as string, name: r.name as string })),
  });
  await admin.users.create({ username: 'someone', enabled: true });
});

beforeEach(() => {
  emulator.faults.clear();
  emulator.faults.resetCounts();
  calls.length = 0;
  connection = new KeycloakConnection({
    baseUrl: emulator.url,
    realm: 'conn',
    clientId: 'otp-sidecar',
    clientSecret: 'conn-secret',
    baseDelayMs: 5,
    maxDelayMs: 50,
    circuitCooldownMs: 200,
    onCall: (operation, outcome) => calls.push({ operation, outcome }),
  });
});
afterEach(() => connection.close());
afterAll(() => emulator.close());

test('authenticates with client credentials and reads users', async () => {
  const users = await connection.call('list users', (kc) => kc.users.find({ max: 10 }));
  expect(users.map((u) => u.username)).toEqual(['someone']);
  expect(calls).toEqual([{ operation: 'list users', outcome: 'ok' }]);
});

test('retries 5xx bursts and succeeds', async () => {
  emulator.faults.add({ match: /^GET \/admin\/realms\/conn\/users$/, status: 503, times: 2 });
  const users = await connection.call('list users', (kc) => kc.users.find());
  expect(users).toHaveLength(1);
  expect(emulator.faults.count(/^GET \/admin\/realms\/conn\/users$/)).toBe(3);
});

test('honours Retry-After on 429', async () => {
  emulator.faults.add({
    match: /^GET \/admin\/realms\/conn\/users$/,
    status: 429,
    headers: { 'Retry-After': '1' },
    times: 1,
  });
  const started = Date.now();
  await connection.call('list users', (kc) => kc.users.find());
  expect(Date.now() - started).toBeGreaterThanOrEqual(950);
});

test('never retries other 4xx', async () => {
  emulator.faults.resetCounts();
  await expect(
    connection.call('read unknown user', (kc) => kc.users.update({ id: 'nope' }, { firstName: 'x' })),
  ).rejects.toMatchObject({
    response: { status: 404 },
  });
  expect(emulator.faults.count(/^PUT /)).toBe(1);
});

test('a revoked token is replaced once', async () => {
  await connection.call('list users', (kc) => kc.users.find());
  emulator.faults.add({ match: /^GET \/admin\/realms\/conn\/users$/, status: 401, times: 1 });
  await expect(connection.call('list users', (kc) => kc.users.find())).resolves.toHaveLength(1);
});

test('the circuit opens while Keycloak is down, fails fast, and closes when it returns', async () => {
  emulator.faults.add({ match: /^GET \/admin\/realms\/conn\/users$/, status: 502 });
  await expect(connection.call('list users', (kc) => kc.users.find())).rejects.toBeInstanceOf(KeycloakUnavailableError);
  expect(connection.health.state).toBe('down');
  emulator.faults.resetCounts();
  await expect(connection.call('list users', (kc) => kc.users.find())).rejects.toBeInstanceOf(KeycloakUnavailableError);
  expect(emulator.faults.total).toBe(0);
  emulator.faults.clear();
  await new Promise((resolve) => setTimeout(resolve, 450));
  await expect(connection.call('list users', (kc) => kc.users.find())).resolves.toHaveLength(1);
  expect(connection.health.state).toBe('up');
});

test('a slow Keycloak times out and is retried within bounds', async () => {
  const slow = new KeycloakConnection({
    baseUrl: emulator.url,
    realm: 'conn',
    clientId: 'otp-sidecar',
    clientSecret: 'conn-secret',
    timeoutMs: 200,
    retries: 1,
    baseDelayMs: 5,
  });
  try {
    await slow.call('warm up', (kc) => kc.users.find());
    emulator.faults.add({ match: /^GET \/admin\/realms\/conn\/users$/, delayMs: 1000 });
    const started = Date.now();
    await expect(slow.call('list users', (kc) => kc.users.find())).rejects.toBeInstanceOf(KeycloakUnavailableError);
    expect(Date.now() - started).toBeLessThan(1500);
  } finally {
    await slow.close();
  }
});

test('concurrency is bounded', async () => {
  const limited = new KeycloakConnection({
    baseUrl: emulator.url,
    realm: 'conn',
    clientId: 'otp-sidecar',
    clientSecret: 'conn-secret',
    concurrency: 2,
  });
  try {
    emulator.faults.latencyMs = 50;
    const started = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => limited.call('list users', (kc) => kc.users.find())));
    // 6 calls, 2 at a time, ≥ 50 ms each: at least 3 rounds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  } finally {
    await limited.close();
  }
});
