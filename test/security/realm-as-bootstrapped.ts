/**
 * The attack lab of the Keycloak-side security tests: a Keycloak under test (or a real Keycloak 26), a mail
 * catcher standing for the victim's mailbox, Chromium for the attacker and the owner, and the demo realm as
 * `npm start` / `realm-policy apply realm-config/demo` bootstraps it — realm-config/demo's two files,
 * unchanged but for the realm's name and the test's SMTP server. The `let`s are ES module live bindings.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import type { Browser } from 'playwright-core';
import { parse, stringify } from 'yaml';
import { applyChanges, planRealm } from '../../admin-scripts/src/index.js';
import { loadRealmConfig } from '../../realm-files/src/index.js';
import { launchBrowser } from '../support/browser.js';
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest, uniqueName } from '../support/keycloak.js';
import { type MailCatcher, startMailCatcher } from '../support/smtp.js';

export const bootstrapDemoRealm = async (kc: KcAdminClient, mail: MailCatcher, prefix: string): Promise<string> => {
  const realm = uniqueName(prefix);
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const policy = parse(readFileSync('realm-config/demo/realm.yaml', 'utf8'));
  policy.realm = realm;
  policy.smtp = { ...policy.smtp, host: mail.host, port: mail.port };
  writeFileSync(join(dir, 'realm.yaml'), stringify(policy));
  writeFileSync(join(dir, 'sidecar.yaml'), readFileSync('realm-config/demo/sidecar.yaml', 'utf8'));
  await applyChanges(await planRealm(kc, loadRealmConfig(dir, { SIDECAR_CLIENT_SECRET: 'security-test-secret-0123' })));
  return realm;
};

export let kut: KeycloakUnderTest;
export let kc: Awaited<ReturnType<typeof masterAdminClient>>;
export let mail: MailCatcher;
export let browser: Browser;
export let realm: string;

export const useAttackLab = (prefix: string) => {
  beforeAll(async () => {
    [kut, mail, browser] = await Promise.all([startKeycloakUnderTest(), startMailCatcher(), launchBrowser()]);
    kc = await masterAdminClient(kut);
    realm = await bootstrapDemoRealm(kc, mail, prefix);
  });
  afterAll(async () => {
    await kc?.realms.del({ realm }).catch(() => undefined);
    await Promise.all([browser?.close(), mail?.close(), kut?.close()]);
  });
};
