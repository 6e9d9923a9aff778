/**
 * What the account tests share: a realm with events on, a browser, and the account console's own client
 * (`account-console`, public, PKCE S256, redirect `/realms/{r}/account/*`) driven the way the console
 * does it: an authorization request (optionally with `kc_action`), then the code exchanged for tokens.
 * The tests read only the parameters of the return, never a console page.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import {
  createTestRealm,
  type KeycloakUnderTest,
  masterAdminClient,
  startKeycloakUnderTest,
  tokenFor,
} from '../support/keycloak.js';
import { createTestUser, otpCredential } from '../support/users.js';

// ES module live bindings: the tests read them as the hooks set them.
export let kut: KeycloakUnderTest;
export let kc: Awaited<ReturnType<typeof masterAdminClient>>;
export let browser: Browser;
export let context: BrowserContext;
export let page: Page;
export let realm: string;
export let userId: string;

/**
 * Registers the hooks of a suite: a Keycloak, a realm with events on, a user `<username>` with the password
 * `<username>-password` and one OTP device, and one browser page kept for the whole suite (its SSO
 * session carries from test to test, as a person's browser does).
 */
export const useAccountLab = (
  prefix: string,
  username: string,
  device: { label: string; secret: string; createdDate?: number },
) => {
  beforeAll(async () => {
    [kut, browser] = await Promise.all([startKeycloakUnderTest(), launchBrowser()]);
    kc = await masterAdminClient(kut);
    realm = await createTestRealm(kc, prefix, { eventsEnabled: true });
    userId = await createTestUser(kc, realm, username, {
      credentials: [otpCredential(device.label, device.secret, device.createdDate)],
    });
    context = await browser.newContext();
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await kut?.close();
  });
};

export const CONSOLE_CLIENT = 'account-console';

/**
 * Where the tests' console requests return: a path under the client's `/realms/{r}/account/*` that no
 * console page handles, so nothing but the test redeems the code.
 */
export const consoleRedirectUri = (kut: KeycloakUnderTest, realm: string) =>
  `${kut.baseUrl}/realms/${realm}/account/test-return`;

export interface ConsoleAuthorization {
  url: string;
  verifier: string;
}

/** The account console's authorization request, with `kc_action` for an application-initiated action. */
export const consoleAuthorization = (
  kut: KeycloakUnderTest,
  realm: string,
  kcAction?: string,
): ConsoleAuthorization => {
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    client_id: CONSOLE_CLIENT,
    redirect_uri: consoleRedirectUri(kut, realm),
    response_type: 'code',
    scope: 'openid',
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(kcAction ? { kc_action: kcAction } : {}),
  });
  return { url: `${kut.baseUrl}/realms/${realm}/protocol/openid-connect/auth?${params}`, verifier };
};

/** Waits until the browser is back at the console and answers the query it came back with. */
export const waitForConsoleReturn = async (page: Page, kut: KeycloakUnderTest, realm: string) => {
  const returnPath = new URL(consoleRedirectUri(kut, realm)).pathname;
  await page.waitForURL((url) => url.pathname === returnPath);
  return new URL(page.url()).searchParams;
};

/** The console's code exchange: tokens of `account-console` for the code of a return. */
export const consoleTokens = async (
  kut: KeycloakUnderTest,
  realm: string,
  authorization: ConsoleAuthorization,
  code: string,
) => {
  const response = await tokenFor(kut, realm, {
    grant_type: 'authorization_code',
    client_id: CONSOLE_CLIENT,
    code,
    redirect_uri: consoleRedirectUri(kut, realm),
    code_verifier: authorization.verifier,
  });
  expect(response.status).toBe(200);
  return response.json as { access_token: string };
};
