/**
 * Embedded defaults for `npm start` without KEYCLOAK_URL: the Keycloak emulator with the demo realm
 * (bootstrapped from realm-config/demo by the admin scripts' code), a local mail catcher with a web
 * inbox, and the settings that point the sidecar at them. Nothing here runs when a Keycloak is configured,
 * and the container image does not carry it: the production sidecar never imports its own test double.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { applyChanges, connect, planRealm } from '../../admin-scripts/src/index.js';
import { startEmulator } from '../../keycloak-emulator/src/index.js';
import { loadRealmConfig } from '../../realm-files/src/index.js';
import { startMailCatcher, startWebInbox } from './mail-catcher.js';

export interface EmbeddedParts {
  keycloakUrl: string;
  inboxUrl: string;
  smtpPort: number;
  /** settings for the sidecar (environment names) */
  env: Record<string, string>;
  close(): Promise<void>;
}

export const startEmbedded = async (options: {
  keycloakPort: number;
  smtpPort: number;
  inboxPort: number;
  realmConfigDir?: string;
}): Promise<EmbeddedParts> => {
  const realmConfigDir = options.realmConfigDir ?? 'realm-config/demo';
  const mail = await startMailCatcher(options.smtpPort);
  const inbox = await startWebInbox(mail, options.inboxPort);
  const emulator = await startEmulator({
    port: options.keycloakPort,
    realms: [JSON.parse(readFileSync('keycloak-emulator/realms/demo-realm.json', 'utf8'))],
  });
  // A fresh secret each start: the emulator forgets everything on exit anyway.
  const secret = randomBytes(24).toString('base64url');
  const config = loadRealmConfig(realmConfigDir, { SIDECAR_CLIENT_SECRET: secret, SMTP_PASSWORD: '' });
  config.realm.smtp = {
    ...(config.realm.smtp ?? { from: 'keycloak@localhost', ssl: false, starttls: false }),
    host: mail.host,
    port: mail.port,
  };
  const admin = await connect({ url: emulator.url, authRealm: 'master', username: 'admin', password: 'admin' });
  await applyChanges(await planRealm(admin, config));
  return {
    keycloakUrl: emulator.url,
    inboxUrl: inbox.url,
    smtpPort: mail.port,
    env: {
      KEYCLOAK_URL: emulator.url,
      KEYCLOAK_REALM: config.realm.realm,
      SIDECAR_CLIENT_ID: config.realm.sidecarClient.clientId,
      SIDECAR_CLIENT_SECRET: secret,
      REALM_CONFIG_DIR: realmConfigDir,
      SMTP_HOST: mail.host,
      SMTP_PORT: String(mail.port),
      SMTP_FROM: 'otp-sidecar@demo.example.org',
      // Helpdesk sessions are sealed with it; the demo forgets them on exit like everything else.
      HELPDESK_SESSION_SECRET: randomBytes(32).toString('base64url'),
    },
    close: async () => {
      await Promise.all([emulator.close(), inbox.close(), mail.close()]);
    },
  };
};
