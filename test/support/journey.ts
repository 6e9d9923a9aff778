/**
 * What every end-to-end journey starts from: a Keycloak under test, a real SMTP server, Chromium, a realm
 * bootstrapped from realm-config/ by the admin scripts, the sidecar, and a web application users sign in
 * to. A failed step leaves screenshots of the open pages and every email received under
 * test-artifacts/<journey>/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import type { Browser, Page } from 'playwright-core';
import type { Sidecar } from '../../sidecar/src/main.js';
import { launchBrowser } from './browser.js';
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest } from './keycloak.js';
import { KeycloakPages } from './keycloak-pages.js';
import { type RelyingParty, startRelyingParty } from './oidc-app.js';
import { bootstrapRealm, startTestSidecar, type TestRealm } from './sidecar-realm.js';
import { type MailCatcher, startMailCatcher } from './smtp.js';
import { createTestUser, otpCredential, SECRET_A } from './users.js';

export interface Journey {
  name: string;
  kut: KeycloakUnderTest;
  kc: KcAdminClient;
  mail: MailCatcher;
  browser: Browser;
  target: TestRealm;
  sidecar: Sidecar;
  /** the application users sign in to (a public client with PKCE) */
  app: RelyingParty;
  close(): Promise<void>;
}

export interface JourneyOptions {
  /** the sidecar's policy (sidecar.yaml) */
  policy: Record<string, unknown>;
  /** fills the realm before the admin scripts bootstrap it (an existing realm being rolled out) */
  existingUsers?: (kc: KcAdminClient, realm: string) => Promise<unknown>;
}

export const startJourney = async (name: string, options: JourneyOptions): Promise<Journey> => {
  const [kut, mail, browser] = await Promise.all([startKeycloakUnderTest(), startMailCatcher(), launchBrowser()]);
  const kc = await masterAdminClient(kut);
  let existing: string | undefined;
  if (options.existingUsers) {
    existing = `${name}-${Date.now().toString(36)}`;
    await kc.realms.create({ realm: existing, enabled: true });
    await options.existingUsers(kc, existing);
  }
  const target = await bootstrapRealm(kc, mail, options.policy, name, existing);
  const app = await startRelyingParty(kut.baseUrl, target.realm, 'journey-app');
  await kc.clients.create({
    realm: target.realm,
    clientId: 'journey-app',
    publicClient: true,
    standardFlowEnabled: true,
    redirectUris: [app.redirectUri],
    attributes: { 'pkce.code.challenge.method': 'S256' },
  });
  const sidecar = await startTestSidecar(kut, mail, target);
  await sidecar.firstPass;
  return {
    name,
    kut,
    kc,
    mail,
    browser,
    target,
    sidecar,
    app,
    close: async () => {
      await sidecar.close();
      await Promise.all([app.close(), browser.close(), mail.close(), kut.close()]);
    },
  };
};

/** The journey of a test file that calls `useJourney()`: an ES module live binding, as in the labs. */
export let journey: Journey;

/** Registers the hooks that start a journey before the file's tests (then `prepare`) and close it after. */
export const useJourney = (name: string, options: JourneyOptions, prepare?: () => Promise<unknown>) => {
  beforeAll(async () => {
    journey = await startJourney(name, options);
    await prepare?.();
  }, 120_000);
  afterAll(() => journey?.close());
};

/** A user of the journey's realm with one device (SECRET_A), already mirrored by the sidecar. */
export const userWithDevice = async (username: string, label: string, extra?: Record<string, unknown>) => {
  const id = await createTestUser(journey.kc, journey.target.realm, username, {
    credentials: [otpCredential(label, SECRET_A)],
    extra,
  });
  await journey.sidecar.mirror.syncUser(id);
  return id;
};

/** The labels of a user's OTP devices in the journey's realm, sorted. */
export const otpLabelsOf = async (userId: string) =>
  (await journey.kc.users.getCredentials({ realm: journey.target.realm, id: userId }))
    .filter((c) => c.type === 'otp')
    .map((c) => c.userLabel)
    .sort();

/** Runs one step of a journey; when it fails, the pages and the emails so far are kept as artefacts. */
export const step = async <T>(journey: Journey, pages: Page[], name: string, run: () => Promise<T>): Promise<T> => {
  try {
    return await run();
  } catch (error) {
    const dir = `test-artifacts/${journey.name}`;
    mkdirSync(`${dir}/emails`, { recursive: true });
    const slug = name.replace(/[^a-z0-9-]+/gi, '_');
    await Promise.all(
      pages.map((page, i) =>
        page.screenshot({ path: `${dir}/${slug}-${i}.png`, fullPage: true }).catch(() => undefined),
      ),
    );
    journey.mail.messages.forEach((m, i) => {
      writeFileSync(`${dir}/emails/${i}.txt`, `To: ${m.to.join(', ')}\nSubject: ${m.subject}\n\n${m.text}`);
    });
    throw error;
  }
};

/** Signs in to the journey's application with username and password on Keycloak's page. */
export const signInWithPassword = async (journey: Journey, page: Page, username: string, password: string) => {
  await page.goto(journey.app.authorizeUrl());
  const pages = new KeycloakPages(page);
  await pages.signIn(username, password);
  return pages;
};

/** Waits until the browser is back at the application, signed in. */
export const signedIn = async (page: Page) => {
  await page.waitForSelector('#app', { timeout: 15_000 });
};
