/**
 * Journey 3 — the helpdesk, in Chromium: staff sign in to the helpdesk page through Keycloak (code flow
 * + PKCE, OTP on the login page), find a user with two devices, remove the wrong one with a ticket and a
 * reason after verifying the caller (a code sent to the user's email, read back); the audit row shows on the page, Keycloak keeps the other device, the owner is told and still signs in
 * with it. Sessions are HttpOnly cookies, unsafe calls without the CSRF token are refused, accounts
 * without the role get no page, and signing out ends the session.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { codeFor } from '../support/browser.js';
import { type Journey, signedIn, signInWithPassword, startJourney, step } from '../support/journey.js';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { DISTANT_DEADLINE, grantRealmRoles } from '../support/sidecar-realm.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A, SECRET_B } from '../support/users.js';

const SECRET_C = 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U';

let journey: Journey;
const seenUrls: string[] = [];

beforeAll(async () => {
  journey = await startJourney('helpdesk', { policy: { enforcement: DISTANT_DEADLINE } });
  const { kc, target, sidecar } = journey;
  const realm = target.realm;
  await createTestUser(kc, realm, 'una', {
    credentials: [otpCredential('Pixel 8', SECRET_A), otpCredential('Old iPhone', SECRET_B)],
  });
  const sam = await createTestUser(kc, realm, 'sam', { credentials: [otpCredential('Staff phone', SECRET_C)] });
  await grantRealmRoles(kc, realm, sam, ['otp-helpdesk']);
  await createTestUser(kc, realm, 'nora', { credentials: [otpCredential('Phone', SECRET_C)] });
  // The page's client must know where the sidecar listens in this test.
  const [client] = await journey.kc.clients.find({ realm, clientId: 'otp-helpdesk' });
  await journey.kc.clients.update(
    { realm, id: client?.id as string },
    { ...client, redirectUris: [`${sidecar.url}/helpdesk/*`] },
  );
});

afterAll(() => journey?.close());

const openContext = async () => {
  const context = await journey.browser.newContext();
  context.on('request', (request) => seenUrls.push(request.url()));
  return context;
};

/** Signs in on Keycloak's pages as the helpdesk page sends a person there. */
const signIn = async (page: Page, username: string, secret: string) => {
  await page.goto(`${journey.sidecar.url}/helpdesk`);
  const kcPages = new KeycloakPages(page);
  await kcPages.signIn(username, passwordOf(username));
  await kcPages.enterOtp(await codeFor({ secret }));
};

describe('the helpdesk page', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await openContext();
    page = await context.newPage();
  });
  afterAll(() => context?.close());

  test('sends a visitor without a session to Keycloak with PKCE', async () => {
    const response = await fetch(`${journey.sidecar.url}/helpdesk`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const login = await fetch(new URL(response.headers.get('location') as string, journey.sidecar.url), {
      redirect: 'manual',
    });
    const authorize = new URL(login.headers.get('location') as string);
    expect(authorize.pathname).toBe(`/realms/${journey.target.realm}/protocol/openid-connect/auth`);
    expect(authorize.searchParams.get('client_id')).toBe('otp-helpdesk');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly/i);
  });

  test('staff sign in, find a user with two devices, and remove the wrong one with a reason', async () => {
    await step(journey, [page], 'remove-device', async () => {
      await signIn(page, 'sam', SECRET_C);
      await page.waitForSelector('#search');
      expect(await page.textContent('#staff')).toBe('sam');
      const session = (await context.cookies()).find((c) => c.name === 'otp_helpdesk_session');
      expect(session?.httpOnly).toBe(true);
      expect(session?.sameSite).toBe('Lax');

      await page.fill('#search', 'una');
      await page.click('#search-form button[type=submit]');
      await page.getByRole('button', { name: 'una', exact: true }).click();
      await page.waitForSelector('#devices tbody tr');
      const devices = await page.locator('#devices tbody tr').allTextContents();
      expect(devices.join('\n')).toContain('Pixel 8');
      expect(devices.join('\n')).toContain('Old iPhone');
      expect(await page.content()).not.toContain(SECRET_A);

      await page.getByRole('button', { name: 'Remove device Old iPhone' }).click();
      await page.waitForSelector('#confirm[open]');
      // Staff can tell the caller the last step of a setup link (the device is kept only once proven).
      expect(await page.textContent('#confirm-text')).toContain('kept only after they sign in with their password');
      // The ticket and the reason are mandatory: the dialog does not submit without them.
      await page.click('#confirm-submit');
      expect(await page.isVisible('#confirm[open]')).toBe(true);
      await page.fill('#ticket', 'INC-4711');
      await page.fill('#reason', 'Phone was replaced, user called from the desk phone');
      // Without a verified caller the write is not sent.
      await page.fill('#code', '123456');
      await page.click('#confirm-submit');
      await page.locator('#confirm-error', { hasText: 'Send a code' }).waitFor();
      // Staff send a code to una's email; una reads it back on the phone.
      await page.click('#send-code');
      await page.locator('#code-status', { hasText: 'Code sent' }).waitFor();
      const mailed = await journey.mail.waitFor(
        (m) => m.to.includes('una@example.org') && m.subject.includes('helpdesk verification code'),
      );
      await page.fill('#code', /^\s+(\d{6})\s*$/m.exec(mailed.text)?.[1] as string);
      await page.click('#confirm-submit');
      await page.locator('#status', { hasText: /^Device removed \(audit #\d+\)/ }).waitFor();
      await page.waitForSelector('#audit tbody tr');
      const audit = await page.locator('#audit tbody tr').first().textContent();
      expect(audit).toContain('remove-device');
      expect(audit).toContain('Phone was replaced');
      expect(audit).toContain('INC-4711');
      expect(audit).toContain('sam');
      const status = await page.locator('#devices tbody tr', { hasText: 'Old iPhone' }).textContent();
      expect(status).toContain('removed');
    });

    const [una] = await journey.kc.users.find({ realm: journey.target.realm, username: 'una', exact: true });
    const left = (await journey.kc.users.getCredentials({ realm: journey.target.realm, id: una?.id as string })).filter(
      (c) => c.type === 'otp',
    );
    expect(left.map((c) => c.userLabel)).toEqual(['Pixel 8']);
    const notice = await journey.mail.waitFor(
      (m) => m.to.includes('una@example.org') && m.subject.startsWith('A change to the sign-in'),
    );
    expect(notice.text).toContain('Old iPhone');
    expect(notice.text).toContain('Phone was replaced');

    // The user still signs in with the device that was kept.
    const own = await journey.browser.newContext();
    const ownPage = await own.newPage();
    await step(journey, [ownPage], 'owner-signs-in', async () => {
      const kcPages = await signInWithPassword(journey, ownPage, 'una', passwordOf('una'));
      await kcPages.enterOtp(await codeFor({ secret: SECRET_A }));
      await signedIn(ownPage);
    });
    await own.close();
  }, 90_000);

  test('unsafe API calls with the session cookie need the CSRF token', async () => {
    const cookie = (await context.cookies()).find((c) => c.name === 'otp_helpdesk_session');
    const [una] = await journey.kc.users.find({ realm: journey.target.realm, username: 'una', exact: true });
    const response = await fetch(`${journey.sidecar.url}/api/v1/helpdesk/users/${una?.id}/reset-otp`, {
      method: 'POST',
      headers: { cookie: `otp_helpdesk_session=${cookie?.value}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'forged from another site' }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'csrf' });
    const read = await fetch(`${journey.sidecar.url}/api/v1/helpdesk/users?search=una`, {
      headers: { cookie: `otp_helpdesk_session=${cookie?.value}` },
    });
    expect(read.status).toBe(200);
  });

  test('signing out ends the session', async () => {
    const cookie = (await context.cookies()).find((c) => c.name === 'otp_helpdesk_session');
    await page.goto(`${journey.sidecar.url}/helpdesk`);
    await page.click('form.signout button');
    // The sidecar hints the session's ID token (RP-initiated logout): Keycloak ends its session without asking.
    await page.waitForURL(/\/helpdesk\/signed-out$/);
    expect(await page.textContent('h1')).toBe('Signed out');
    const after = await fetch(`${journey.sidecar.url}/api/v1/helpdesk/users?search=una`, {
      headers: { cookie: `otp_helpdesk_session=${cookie?.value}` },
    });
    expect(after.status).toBe(401);
    // The Keycloak session is over too: the next visit asks for the password again.
    await page.goto(`${journey.sidecar.url}/helpdesk`);
    await page.waitForSelector('#kc-form-login #password');
  });
});

test('an account without the helpdesk role gets no page', async () => {
  const context = await openContext();
  const page = await context.newPage();
  await step(journey, [page], 'no-role', async () => {
    await signIn(page, 'nora', SECRET_C);
    await page.waitForSelector('h1');
    expect(await page.textContent('h1')).toBe('Not allowed');
    expect(await page.locator('#search').count()).toBe(0);
  });
  await context.close();
});

test('no token ever travels in a URL', () => {
  expect(seenUrls.length).toBeGreaterThan(5);
  for (const url of seenUrls) expect(url).not.toMatch(/access_token|refresh_token|id_token|eyJ[\w-]+\.eyJ/);
});
