/**
 * Embedded defaults for `npm start` without KEYCLOAK_URL: the Keycloak emulator with the demo realm
 * (bootstrapped from realm-config/demo by the admin scripts' code), a local mail catcher with maildev's web
 * inbox, and the settings that point the sidecar at them. Nothing here runs when a Keycloak is configured,
 * and the container image does not carry it: the production sidecar never imports its own test double.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { applyChanges, connect, planRealm } from '../../admin-scripts/src/index.js';
import { startEmulator } from '../../keycloak-emulator/src/index.js';
import { loadRealmConfig } from '../../realm-files/src/index.js';
import { startMailCatcher } from './mail-catcher.js';

/**
 * The sidecar client's secret when SIDECAR_CLIENT_SECRET is unset: fixed, so the admin scripts run by hand
 * against the running demo agree with it (a random one made every `plan` report drift). Demo only.
 */
export const DEMO_SIDECAR_CLIENT_SECRET = 'demo-only-sidecar-secret';

const DAY = 86_400_000;

/** Users whose account age must be relative to today for the demo policy to put them in their state. */
const CREATED_DAYS_AGO: Record<string, number> = { erin: 2 };

export interface EmbeddedParts {
  keycloakUrl: string;
  /** maildev's web inbox, when asked for (`inboxPort`) */
  inboxUrl?: string;
  smtpPort: number;
  /** the environment the admin scripts need to agree with this demo (plan/apply/verify realm-config/demo) */
  adminEnv: Record<string, string>;
  /** settings for the sidecar (environment names) */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** The shipped demo realm; fixed ids keep the sidecar's store (which outlives a start) in step with it. */
const demoRealm = (now: number) => {
  const realm = JSON.parse(readFileSync('keycloak-emulator/realms/demo-realm.json', 'utf8')) as {
    users: { username: string; createdTimestamp?: number }[];
  };
  for (const user of realm.users) {
    const days = CREATED_DAYS_AGO[user.username];
    if (days !== undefined) user.createdTimestamp = now - days * DAY;
  }
  return realm;
};

export const startEmbedded = async (options: {
  keycloakPort: number;
  smtpPort: number;
  /**
   * maildev's web inbox and REST API (`npm start`); left out when undefined. Loaded only then: its web server
   * (fastify's static files) needs Node's require of ES modules, which Jest's module loader does not offer.
   */
  inboxPort?: number;
  realmConfigDir?: string;
  /** the environment realm-config/demo is interpolated from (PORT, PUBLIC_URL, SIDECAR_CLIENT_SECRET) */
  env?: NodeJS.ProcessEnv;
}): Promise<EmbeddedParts> => {
  const realmConfigDir = options.realmConfigDir ?? 'realm-config/demo';
  const given = options.env ?? {};
  const mail = await startMailCatcher(options.smtpPort);
  const inbox =
    options.inboxPort === undefined
      ? undefined
      : await (await import('./web-inbox.js')).startWebInbox(mail, options.inboxPort);
  const emulator = await startEmulator({ port: options.keycloakPort, realms: [demoRealm(Date.now())] });
  const secret = given.SIDECAR_CLIENT_SECRET || DEMO_SIDECAR_CLIENT_SECRET;
  const adminEnv = {
    KEYCLOAK_URL: emulator.url,
    KEYCLOAK_ADMIN: 'admin',
    KEYCLOAK_ADMIN_PASSWORD: 'admin',
    SIDECAR_CLIENT_SECRET: secret,
    DEMO_SMTP_HOST: mail.host,
    DEMO_SMTP_PORT: String(mail.port),
  };
  const config = loadRealmConfig(realmConfigDir, { ...given, ...adminEnv, SMTP_PASSWORD: '' });
  const admin = await connect({ url: emulator.url, authRealm: 'master', username: 'admin', password: 'admin' });
  await applyChanges(await planRealm(admin, config));
  return {
    keycloakUrl: emulator.url,
    ...(inbox ? { inboxUrl: inbox.url } : {}),
    smtpPort: mail.port,
    adminEnv,
    env: {
      KEYCLOAK_URL: emulator.url,
      KEYCLOAK_REALM: config.realm.realm,
      REALM_DISPLAY_NAME: config.realm.displayName ?? config.realm.realm,
      SIDECAR_CLIENT_ID: config.realm.sidecarClient.clientId,
      SIDECAR_CLIENT_SECRET: secret,
      REALM_CONFIG_DIR: realmConfigDir,
      SMTP_HOST: mail.host,
      SMTP_PORT: String(mail.port),
      SMTP_FROM: 'otp-sidecar@demo.example.org',
      // Staff tokens only from the helpdesk page's client (sign-in with the second factor), as in production.
      HELPDESK_TOKEN_CLIENTS: given.HELPDESK_TOKEN_CLIENTS || 'otp-helpdesk',
      // The demo listens on loopback only, like its other parts, unless told otherwise.
      LISTEN_HOST: given.LISTEN_HOST || '127.0.0.1',
      // Helpdesk sessions are sealed with it; the demo forgets them on exit like everything else.
      HELPDESK_SESSION_SECRET: randomBytes(32).toString('base64url'),
    },
    close: async () => {
      await Promise.all([emulator.close(), inbox?.close(), mail.close()]);
    },
  };
};
