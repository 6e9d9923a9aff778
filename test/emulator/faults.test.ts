import KcAdminClient from '@keycloak/keycloak-admin-client';
import { type Emulator, startEmulator } from '../../keycloak-emulator/src/index.js';

// Fault injection and request counting are the emulator's own controls: no real Keycloak has them.
let emulator: Emulator;
let kc: KcAdminClient;

beforeAll(async () => {
  emulator = await startEmulator();
  kc = new KcAdminClient({ baseUrl: emulator.url, realmName: 'master' });
  await kc.auth({ grantType: 'password', clientId: 'admin-cli', username: 'admin', password: 'admin' });
});
afterEach(() => emulator.faults.clear());
afterAll(() => emulator.close());

test('starts in well under a second', async () => {
  const started = performance.now();
  const other = await startEmulator();
  const elapsed = performance.now() - started;
  await other.close();
  expect(elapsed).toBeLessThan(1000);
});

test('an injected status answers matching requests, a limited number of times', async () => {
  emulator.faults.add({ match: /^GET \/admin\/realms\/master$/, status: 503, times: 1 });
  await expect(kc.realms.findOne({ realm: 'master' })).rejects.toMatchObject({ response: { status: 503 } });
  await expect(kc.realms.findOne({ realm: 'master' })).resolves.toMatchObject({ realm: 'master' });
});

test('429 with Retry-After passes its headers through', async () => {
  emulator.faults.add({ match: 'GET /admin/realms/master', status: 429, headers: { 'Retry-After': '2' }, times: 1 });
  const response = await fetch(`${emulator.url}/admin/realms/master`, {
    headers: { authorization: `Bearer ${await kc.getAccessToken()}` },
  });
  expect(response.status).toBe(429);
  expect(response.headers.get('retry-after')).toBe('2');
});

test('latency delays every request', async () => {
  emulator.faults.latencyMs = 50;
  const started = performance.now();
  await kc.realms.findOne({ realm: 'master' });
  expect(performance.now() - started).toBeGreaterThanOrEqual(45);
});

test('a dropped connection fails the request', async () => {
  emulator.faults.add({ match: 'GET /admin/realms/master', drop: true, times: 1 });
  await expect(kc.realms.findOne({ realm: 'master' })).rejects.toThrow();
});

test('requests are counted by route with ids collapsed', async () => {
  emulator.faults.resetCounts();
  await kc.realms.findOne({ realm: 'master' });
  await kc.realms.findOne({ realm: 'master' });
  expect(emulator.faults.count(/^GET \/admin\/realms\/master$/)).toBe(2);
  expect(emulator.faults.total).toBe(2);
});
