/**
 * Keycloak failing under a running sidecar: taken away (connections refused, open ones cut), answering
 * 5xx bursts and 429 with Retry-After, or too slow. The sidecar reports not ready, keeps serving mirror
 * reads, refuses writes with a JSON 503, retries within bounds, never repeats an action that sends an
 * email, and catches up on what happened while Keycloak was away.
 */
import { jsonCall } from '../support/http-json.js';
import { describeEmulatorOnly, emulatorOf } from '../support/keycloak.js';
import { bootstrapRealm, DISTANT_DEADLINE, helpdeskToken, startTestSidecar } from '../support/sidecar-realm.js';
import { kc, kut, mail, sidecar, target, useSidecarRealm } from '../support/sidecar-world.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { createTestUser, otpCredential, SECRET_A } from '../support/users.js';
import { eventually } from '../support/wait.js';

let proxy: TcpProxy;
let token: string;

const emulator = () => emulatorOf(kut);
const api = (path: string, init: { method?: string; json?: unknown } = {}) =>
  jsonCall(`${sidecar.url}/api/v1${path}`, { token, ...init });
const ready = async () => {
  const response = await fetch(`${sidecar.managementUrl}/readyz`);
  return { status: response.status, body: await response.json() };
};

// Emulator only: Keycloak is made to fail (5xx, 429, timeouts, outages) through the emulator's fault injection.
describeEmulatorOnly('Keycloak failing', () => {
  useSidecarRealm({ enforcement: DISTANT_DEADLINE }, 'kcfaults', {
    populate: async () => {
      proxy = await startTcpProxy(kut.baseUrl);
      token = await helpdeskToken(kc, kut, target.realm);
    },
    // The sidecar reaches Keycloak through the proxy; staff tokens name Keycloak's own URL as issuer.
    env: () => ({ KEYCLOAK_URL: proxy.url, KEYCLOAK_PUBLIC_URL: kut.baseUrl, KEYCLOAK_TIMEOUT_MS: '1000' }),
  });
  afterEach(() => emulator().faults.clear());
  afterAll(() => proxy?.close());

  test('down: not ready, mirror reads served, writes refused with a JSON 503; back: it catches up', async () => {
    const id = await createTestUser(kc, target.realm, 'kara', { credentials: [otpCredential('Pixel 8', SECRET_A)] });
    const devices = async () =>
      (await api(`/users/${id}/devices`)).body.devices as { label: string; removedAt: string | null }[];
    await eventually(devices, (d) => d?.length === 1);

    await proxy.down();
    expect((await eventually(ready, (r) => r.status === 503)).body).toEqual({
      status: 'not_ready',
      checks: { store: 'ok', keycloak: 'failing' },
    });
    // While Keycloak is away an admin removes the device there.
    const [credential] = (await kc.users.getCredentials({ realm: target.realm, id })).filter((c) => c.type === 'otp');
    await kc.users.deleteCredential({ realm: target.realm, id, credentialId: credential?.id as string });

    const read = await api(`/users/${id}/devices`);
    expect(read.status).toBe(200);
    expect(read.body.devices).toMatchObject([{ label: 'Pixel 8', removedAt: null }]);
    const write = await api(`/helpdesk/users/${id}/reset-otp`, { method: 'POST', json: { reason: 'phone lost' } });
    expect(write.status).toBe(503);
    expect(write.body).toMatchObject({ error: 'keycloak_unavailable' });
    expect(JSON.stringify(write.body)).not.toMatch(/at .*\.ts|ECONNREFUSED/);

    await proxy.up();
    expect((await eventually(ready, (r) => r.status === 200, 30_000)).status).toBe(200);
    const after = await eventually(devices, (d) => Boolean(d[0]?.removedAt), 30_000);
    expect(after[0]?.removedAt).toBeTruthy();
    const told = await eventually(
      async () =>
        mail.messages.filter((m) => m.to.includes('kara@example.org') && /authenticator was removed/.test(m.subject)),
      (m) => m.length > 0,
      20_000,
    );
    expect(told).toHaveLength(1);
  }, 90_000);

  test('5xx bursts and 429 during a pass: it completes, marks each user once, and a second pass writes nothing', async () => {
    const realm = target.realm;
    const users = Array.from({ length: 80 }, (_, i) => ({
      username: `burst-${i}`,
      enabled: true,
      email: `burst-${i}@example.org`,
    }));
    await kc.realms.partialImport({ realm, rep: { ifResourceExists: 'FAIL', users } as never });
    const deadlinePassed = await bootstrapRealm(
      kc,
      mail,
      { enforcement: { scope: 'all', deadline: '2020-01-01', newUserGraceDays: 0, reminders: { enabled: false } } },
      'kcfaults',
      realm,
    );
    emulator().faults.add({
      match: new RegExp(`^GET /admin/realms/${realm}/users$`),
      status: 429,
      headers: { 'Retry-After': '1' },
      times: 2,
    });
    emulator().faults.add({
      match: new RegExp(`^PUT /admin/realms/${realm}/users/`),
      status: 503,
      // Every third write and fifth read fails (not at random: five failures in a row would rightly open the
      // circuit and end the pass, which is not what this test is about).
      every: 3,
      times: 20,
    });
    emulator().faults.add({
      match: new RegExp(`^GET /admin/realms/${realm}/users/[^/]+$`),
      status: 500,
      every: 5,
      times: 20,
    });
    const enforcing = await startTestSidecar(kut, mail, deadlinePassed, { LOG_LEVEL: 'silent' });
    try {
      await enforcing.firstPass;
      const report = await enforcing.runEnforcement();
      expect(report?.adminWrites).toBe(0);
      const burst = (await kc.users.find({ realm, search: 'burst-', max: 200, briefRepresentation: false })).filter(
        (u) => u.username?.startsWith('burst-'),
      );
      expect(burst).toHaveLength(80);
      for (const user of burst) expect(user.requiredActions).toEqual(['CONFIGURE_TOTP']);
    } finally {
      await enforcing.close();
    }
  }, 90_000);

  test('a setup email whose request timed out is not sent again: one email, the audit says it failed', async () => {
    const id = await createTestUser(kc, target.realm, 'lars');
    emulator().faults.add({
      match: new RegExp(`^PUT /admin/realms/${target.realm}/users/${id}/execute-actions-email`),
      delayMs: 2_500,
    });
    const result = await api(`/helpdesk/users/${id}/send-setup-email`, {
      method: 'POST',
      json: { reason: 'new phone, setup link again', ticket: 'HD-11' },
    });
    expect(result.status).toBe(502);
    await mail.waitFor((m) => m.to.includes('lars@example.org') && m.subject === 'Update Your Account');
    await new Promise((r) => setTimeout(r, 4_000));
    expect(mail.messages.filter((m) => m.to.includes('lars@example.org'))).toHaveLength(1);
    const audit = await api(`/helpdesk/users/${id}/audit`);
    expect(audit.body.entries).toMatchObject([
      { action: 'send-setup-email', result: expect.stringMatching(/^failed: /) },
    ]);
  }, 60_000);
});
