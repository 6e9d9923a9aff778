/**
 * The demo realm as `npm start` / `realm-policy apply realm-config/demo` bootstraps it: a fresh realm from
 * realm-config/demo's two files, unchanged but for the realm's name and the test's SMTP server.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import { parse, stringify } from 'yaml';
import { applyChanges, planRealm } from '../../admin-scripts/src/index.js';
import { loadRealmConfig } from '../../realm-files/src/index.js';
import { uniqueName } from '../support/keycloak.js';
import type { MailCatcher } from '../support/smtp.js';

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
