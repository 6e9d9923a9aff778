/**
 * The Keycloak a test runs against: the emulator (default, one per test file on a free port), or a real
 * Keycloak when KEYCLOAK_URL is set (with KEYCLOAK_ADMIN / KEYCLOAK_ADMIN_PASSWORD for its master admin).
 * Tests talk to it only through public surfaces: the official admin client and plain HTTP.
 */
import { randomBytes } from 'node:crypto';
import KcAdminClient from '@keycloak/keycloak-admin-client';
import { type Emulator, startEmulator } from '../../keycloak-emulator/src/index.js';

export interface KeycloakUnderTest {
  baseUrl: string;
  adminUsername: string;
  adminPassword: string;
  /** present when the tests run against the emulator; tests of emulator-only features use it */
  emulator?: Emulator;
  close(): Promise<void>;
}

export const againstRealKeycloak = Boolean(process.env.KEYCLOAK_URL);

/** `describe` for tests that need the emulator's own controls (fault injection, counters). */
export const describeEmulatorOnly = againstRealKeycloak ? describe.skip : describe;

/** The emulator behind a Keycloak under test, for tests inside `describeEmulatorOnly`. */
export const emulatorOf = (kut: KeycloakUnderTest): Emulator => {
  if (!kut.emulator) throw new Error('this test needs the Keycloak emulator');
  return kut.emulator;
};

export const startKeycloakUnderTest = async (): Promise<KeycloakUnderTest> => {
  if (process.env.KEYCLOAK_URL) {
    return {
      baseUrl: process.env.KEYCLOAK_URL.replace(/\/+$/, ''),
      adminUsername: process.env.KEYCLOAK_ADMIN ?? 'admin',
      adminPassword: process.env.KEYCLOAK_ADMIN_PASSWORD ?? 'admin',
      close: async () => {},
    };
  }
  const emulator = await startEmulator({ adminUsername: 'admin', adminPassword: 'admin' });
  return {
    baseUrl: emulator.url,
    adminUsername: 'admin',
    adminPassword: 'admin',
    emulator,
    close: () => emulator.close(),
  };
};

/** An admin client logged into master as the bootstrap admin, working on `realmName`. */
export const masterAdminClient = async (kut: KeycloakUnderTest, realmName = 'master') => {
  const client = new KcAdminClient({ baseUrl: kut.baseUrl, realmName: 'master' });
  await client.auth({
    grantType: 'password',
    clientId: 'admin-cli',
    username: kut.adminUsername,
    password: kut.adminPassword,
  });
  client.setConfig({ realmName });
  return client;
};

export const uniqueName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** Creates a realm with a unique name (so suites can share a real Keycloak) and returns its name. */
export const createTestRealm = async (client: KcAdminClient, prefix = 'test', extra: Record<string, unknown> = {}) => {
  const realm = uniqueName(prefix);
  await client.realms.create({ realm, enabled: true, ...extra });
  return realm;
};

/** Plain HTTP against the server, for endpoints the admin client has no method for or raw checks. */
export const http = async (
  kut: KeycloakUnderTest,
  path: string,
  init: RequestInit & { token?: string; json?: unknown } = {},
) => {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const response = await fetch(`${kut.baseUrl}${path}`, { ...init, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as any };
};

/** A token from the token endpoint (password or client_credentials grant). */
export const tokenFor = async (kut: KeycloakUnderTest, realm: string, form: Record<string, string>) => {
  const response = await http(kut, `/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return response;
};
