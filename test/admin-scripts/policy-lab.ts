/**
 * The lab the admin-script tests share: a Keycloak under test (the emulator, or a real one with
 * KEYCLOAK_URL), a mail catcher, a fresh realm name, and a folder holding a copy of realm-config/demo for
 * it. `usePolicyLab()` registers the hooks; the `let`s are ES module live bindings set by them.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadRealmConfig } from '../../realm-files/src/index.js';
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest, uniqueName } from '../support/keycloak.js';
import { type MailCatcher, startMailCatcher } from '../support/smtp.js';

export let kut: KeycloakUnderTest;
export let kc: Awaited<ReturnType<typeof masterAdminClient>>;
export let mail: MailCatcher;
export let dir: string;
export let realm: string;
export const SECRET = 'test-sidecar-secret-0123456789';
export const env = { SIDECAR_CLIENT_SECRET: SECRET };

export const usePolicyLab = (prefix = 'policy') => {
  beforeAll(async () => {
    [kut, mail] = await Promise.all([startKeycloakUnderTest(), startMailCatcher()]);
    kc = await masterAdminClient(kut);
    realm = uniqueName(prefix);
    dir = mkdtempSync(join(tmpdir(), 'realm-config-'));
    copyFileSync('realm-config/demo/sidecar.yaml', join(dir, 'sidecar.yaml'));
  });
  afterAll(async () => {
    await kc?.realms.del({ realm }).catch(() => undefined);
    await Promise.all([mail?.close(), kut?.close()]);
  });
};

/** A copy of realm-config/demo for the lab's realm, with `change` applied to the parsed realm.yaml. */
export const writePolicy = (change: (policy: Record<string, any>) => void = () => {}) => {
  const policy = parse(readFileSync('realm-config/demo/realm.yaml', 'utf8'));
  policy.realm = realm;
  policy.smtp = { ...policy.smtp, host: mail.host, port: mail.port };
  policy.helpdesk.client.redirectUris = ['http://app.test/*'];
  change(policy);
  writeFileSync(join(dir, 'realm.yaml'), stringify(policy));
  return loadRealmConfig(dir, env);
};

/** Runs the command line (asynchronously: the emulator answers from this very process). */
export const cli = (...args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'admin-scripts/src/cli.ts', ...args], {
      env: {
        ...process.env,
        ...env,
        NODE_OPTIONS: '',
        KEYCLOAK_URL: kut.baseUrl,
        KEYCLOAK_ADMIN: kut.adminUsername,
        KEYCLOAK_ADMIN_PASSWORD: kut.adminPassword,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
