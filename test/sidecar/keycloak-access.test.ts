/**
 * Truthful health: Keycloak that answers but refuses the sidecar's own client secret is not "up". The
 * sidecar's /readyz says 503 `keycloak: unauthorized`, `otp_sidecar_keycloak_up` is 0, the fix is
 * reported once however many calls fail, and both recover as soon as Keycloak accepts the secret again.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import { KeycloakConnection } from '../../sidecar/src/keycloak/connection.js';
import type { Sidecar } from '../../sidecar/src/main.js';
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest } from '../support/keycloak.js';
import { bootstrapRealm, DISTANT_DEADLINE, startTestSidecar, type TestRealm } from '../support/sidecar-realm.js';
import { type MailCatcher, startMailCatcher } from '../support/smtp.js';
import { eventually } from '../support/wait.js';

let kut: KeycloakUnderTest;
let mail: MailCatcher;
let admin: KcAdminClient;
let target: TestRealm;

beforeAll(async () => {
  kut = await startKeycloakUnderTest();
  mail = await startMailCatcher();
  admin = await masterAdminClient(kut);
  target = await bootstrapRealm(admin, mail, { enforcement: DISTANT_DEADLINE }, 'access');
}, 60_000);
afterAll(async () => {
  await mail.close();
  await kut.close();
});

/** Gives the realm's sidecar client this secret, as an admin rotating it in Keycloak would. */
const setClientSecret = async (secret: string) => {
  const [client] = await admin.clients.find({ realm: target.realm, clientId: 'otp-sidecar' });
  await admin.clients.update({ realm: target.realm, id: client?.id as string }, { ...client, secret });
};

/** The detailed readiness and the metrics are on the management listener (the public /readyz says only ready or not). */
const readiness = async (sidecar: Sidecar) => {
  const response = await fetch(`${sidecar.managementUrl}/readyz`);
  return { status: response.status, body: (await response.json()) as { checks: Record<string, string> } };
};

const keycloakUp = async (sidecar: Sidecar) =>
  /^otp_sidecar_keycloak_up (\d)/m.exec(await (await fetch(`${sidecar.managementUrl}/metrics`)).text())?.[1];

test('a refused client secret makes /readyz 503 unauthorized and the gauge 0; the right secret makes it ready', async () => {
  const sidecar = await startTestSidecar(kut, mail, target, { SIDECAR_CLIENT_SECRET: 'not-the-secret-keycloak-has' });
  try {
    const refused = await eventually(
      () => readiness(sidecar),
      (r) => r.status === 503,
    );
    expect(refused).toEqual({
      status: 503,
      body: { status: 'not_ready', checks: { store: 'ok', keycloak: 'unauthorized' } },
    });
    expect(await keycloakUp(sidecar)).toBe('0');

    await setClientSecret('not-the-secret-keycloak-has');
    const ready = await eventually(
      () => readiness(sidecar),
      (r) => r.status === 200,
    );
    expect(ready.body.checks).toEqual({ store: 'ok', keycloak: 'ok' });
    expect(await keycloakUp(sidecar)).toBe('1');
  } finally {
    await sidecar.close();
    await setClientSecret('sidecar-test-secret-0123456789');
  }
}, 60_000);

test('the refusal is reported once with the fix, and its end once', async () => {
  const reports: (string | undefined)[] = [];
  const outcomes: string[] = [];
  const connection = new KeycloakConnection({
    baseUrl: kut.baseUrl,
    realm: target.realm,
    clientId: 'otp-sidecar',
    clientSecret: 'wrong-secret',
    onCall: (_operation, outcome) => outcomes.push(outcome),
    onAccessChange: (refused) => reports.push(refused),
  });
  try {
    for (let i = 0; i < 3; i += 1)
      await expect(connection.call('count users', (kc) => kc.users.count())).rejects.toThrow();
    expect(outcomes).toEqual(['unauthorized', 'unauthorized', 'unauthorized']);
    expect(connection.health.state).toBe('unauthorized');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/check SIDECAR_CLIENT_SECRET/);
    expect(reports[0]).not.toContain('wrong-secret');

    await setClientSecret('wrong-secret');
    await connection.call('count users', (kc) => kc.users.count());
    expect(connection.health.state).toBe('up');
    expect(reports).toEqual([reports[0], undefined]);
  } finally {
    await connection.close();
    await setClientSecret('sidecar-test-secret-0123456789');
  }
}, 60_000);
