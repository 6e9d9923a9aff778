/**
 * A realm bootstrapped by the admin scripts from a copy of realm-config/demo (with the given sidecar
 * policy), and a sidecar running against it on an in-memory store — what the sidecar tests start from.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import { parse, stringify } from 'yaml';
import { applyChanges, planRealm } from '../../admin-scripts/src/index.js';
import { loadRealmConfig } from '../../realm-files/src/index.js';
import { loadSettings } from '../../sidecar/src/config/load.js';
import { KeycloakConnection } from '../../sidecar/src/keycloak/connection.js';
import { startSidecar } from '../../sidecar/src/main.js';
import { type KeycloakUnderTest, uniqueName } from './keycloak.js';
import type { MailCatcher } from './smtp.js';
import { staffBearerToken } from './staff-sign-in.js';
import { createTestUser, otpCredential, passwordOf } from './users.js';

export const SIDECAR_SECRET = 'sidecar-test-secret-0123456789';
/** the key test sidecars seal helpdesk sessions with (required, at least 32 characters) */
export const HELPDESK_SESSION_SECRET = 'helpdesk-session-test-secret-0123456789abcdef';

/** A sidecar policy whose enforcement deadline is far away: for tests of everything but enforcement. */
export const DISTANT_DEADLINE = { scope: 'all', deadline: '2099-01-01', reminders: { enabled: false } };

export interface TestRealm {
  realm: string;
  dir: string;
}

export const bootstrapRealm = async (
  kc: KcAdminClient,
  mail: MailCatcher,
  sidecarPolicy: Record<string, unknown>,
  prefix = 'sidecar',
  /** an existing realm to bootstrap (default: a new one named after the prefix) */
  existingRealm?: string,
  /** changes to the copy of realm-config/demo/realm.yaml before it is applied */
  editRealm: (policy: Record<string, any>) => void = () => {},
): Promise<TestRealm> => {
  const realm = existingRealm ?? uniqueName(prefix);
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const policy = parse(readFileSync('realm-config/demo/realm.yaml', 'utf8'));
  policy.realm = realm;
  policy.smtp = { ...policy.smtp, host: mail.host, port: mail.port };
  // Only the sidecar adds CONFIGURE_TOTP in these tests, so every mark seen is its doing.
  policy.requiredActions.CONFIGURE_TOTP.defaultAction = false;
  // Test sidecars listen on any free port of the loopback: the recovery links (client otp-recovery, no browser
  // flow) and the proving sign-in (otp-recovery-signin, made from the same section) may return to any of them.
  policy.recoveryClient = { clientId: 'otp-recovery', redirectUris: ['http://127.0.0.1:*'] };
  editRealm(policy);
  writeFileSync(join(dir, 'realm.yaml'), stringify(policy));
  writeFileSync(join(dir, 'sidecar.yaml'), stringify(sidecarPolicy));
  await applyChanges(await planRealm(kc, loadRealmConfig(dir, { SIDECAR_CLIENT_SECRET: SIDECAR_SECRET })));
  return { realm, dir };
};

export const startTestSidecar = (
  kut: KeycloakUnderTest,
  mail: MailCatcher,
  target: TestRealm,
  extra: Record<string, string> = {},
) => startSidecar(loadSettings(testSidecarEnv(kut, mail, target, extra)), { inMemoryStore: true });

/** The settings a test sidecar runs on: this Keycloak, realm and mail catcher; schedules far apart. */
export const testSidecarEnv = (
  kut: KeycloakUnderTest,
  mail: MailCatcher,
  target: TestRealm,
  extra: Record<string, string> = {},
): Record<string, string> => ({
  KEYCLOAK_URL: kut.baseUrl,
  KEYCLOAK_REALM: target.realm,
  SIDECAR_CLIENT_SECRET: SIDECAR_SECRET,
  HELPDESK_SESSION_SECRET: HELPDESK_SESSION_SECRET,
  REALM_CONFIG_DIR: target.dir,
  LISTEN_HOST: '127.0.0.1',
  PORT: '0',
  METRICS_PORT: '0',
  LOG_LEVEL: process.env.TEST_SIDECAR_LOG_LEVEL ?? 'silent',
  SMTP_HOST: mail.host,
  SMTP_PORT: String(mail.port),
  SMTP_FROM: 'otp-sidecar@example.org',
  RECONCILE_INTERVAL_SECONDS: '3600',
  DEVICE_SYNC_INTERVAL_SECONDS: '3600',
  EVENT_POLL_INTERVAL_SECONDS: '1',
  // Tests sign staff in with the password grant of admin-cli; the helpdesk page uses otp-helpdesk.
  HELPDESK_TOKEN_CLIENTS: 'otp-helpdesk,admin-cli',
  ...extra,
});

/** A realm access token for a user, by the password grant of the realm's admin-cli client. */
export const realmToken = async (kut: KeycloakUnderTest, realm: string, username: string, password: string) => {
  const response = await fetch(`${kut.baseUrl}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username, password }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
};

/** Gives a user realm roles by name. */
export const grantRealmRoles = async (kc: KcAdminClient, realm: string, userId: string, names: string[]) => {
  const roles = await Promise.all(names.map((name) => kc.roles.findOneByName({ realm, name })));
  await kc.users.addRealmRoleMappings({
    realm,
    id: userId,
    roles: roles.map((role) => ({ id: role?.id as string, name: role?.name as string })),
  });
};

/** the authenticator of the staff accounts helpdeskToken creates */
export const STAFF_OTP_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/**
 * Creates a user holding the otp-helpdesk realm role and a device, and returns a token of theirs from a
 * sign-in with password and code (the helpdesk refuses tokens without the second factor, issue 19).
 */
export const helpdeskToken = async (kc: KcAdminClient, kut: KeycloakUnderTest, realm: string, username = 'helper') => {
  const id = await createTestUser(kc, realm, username, {
    credentials: [otpCredential('Staff phone', STAFF_OTP_SECRET)],
  });
  await grantRealmRoles(kc, realm, id, ['otp-helpdesk']);
  return staffBearerToken(kut.baseUrl, realm, username, passwordOf(username), STAFF_OTP_SECRET);
};

/** A Keycloak connection as the sidecar's service account. */
export const sidecarConnection = (
  kut: KeycloakUnderTest,
  realm: string,
  options: Partial<ConstructorParameters<typeof KeycloakConnection>[0]> = {},
) =>
  new KeycloakConnection({
    baseUrl: kut.baseUrl,
    realm,
    clientId: 'otp-sidecar',
    clientSecret: SIDECAR_SECRET,
    ...options,
  });
