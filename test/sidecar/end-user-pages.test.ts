/**
 * The pages an end user reaches — the lost-phone page, the answer to a request, /recovery/complete before
 * and after the proving sign-in, "This wasn't me" and its answers — in Chromium: every state passes axe-core
 * with no serious or critical violation, has no inline script or style under the strict policy, names the
 * realm; the lost-phone page fits a 360×740 phone. The screenshots in README's "I lost my phone" come from here.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { Sidecar } from '../../sidecar/src/main.js';
import { codeFor, launchBrowser, saveScreenshot } from '../support/browser.js';
import { END_USER_POLICY, expectSoundEndUserPage, trackDocuments } from '../support/end-user-pages.js';
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest } from '../support/keycloak.js';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { completeRecovery, followRecoveryLink, recoveryEmailTo, requestRecovery } from '../support/recovery.js';
import { bootstrapRealm, DISTANT_DEADLINE, startTestSidecar, type TestRealm } from '../support/sidecar-realm.js';
import { linkIn, type MailCatcher, startMailCatcher } from '../support/smtp.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A } from '../support/users.js';

let kut: KeycloakUnderTest;
let mail: MailCatcher;
let browser: Browser;
let target: TestRealm;
let sidecar: Sidecar;
const REALM_NAME = 'Demo Research Lab';

beforeAll(async () => {
  [kut, mail, browser] = await Promise.all([startKeycloakUnderTest(), startMailCatcher(), launchBrowser()]);
  const kc = await masterAdminClient(kut);
  target = await bootstrapRealm(kc, mail, { enforcement: DISTANT_DEADLINE }, 'pages');
  await createTestUser(kc, target.realm, 'paula', { credentials: [otpCredential('Paula phone', SECRET_A)] });
  await createTestUser(kc, target.realm, 'rosa', { credentials: [otpCredential('Old phone', SECRET_A)] });
  sidecar = await startTestSidecar(kut, mail, target, { REALM_DISPLAY_NAME: REALM_NAME });
  await sidecar.firstPass;
}, 120_000);

afterAll(async () => {
  await sidecar?.close();
  await Promise.all([browser?.close(), mail?.close(), kut?.close()]);
});

const newPage = async (viewport = { width: 1280, height: 800 }): Promise<Page> =>
  trackDocuments(await (await browser.newContext({ viewport, locale: 'en-GB' })).newPage());

test('the lost-phone page: the realm, the steps, the form; sound; its stylesheet cached a year', async () => {
  const page = await newPage();
  await page.goto(`${sidecar.url}/recovery`);
  expect(await expectSoundEndUserPage(page, '/recovery')).toBe('Lost or replaced your phone?');
  expect((await page.locator('header').textContent())?.trim()).toBe(REALM_NAME);
  expect(await page.title()).toBe(`Lost or replaced your phone? – ${REALM_NAME}`);
  expect(await page.locator('main ol li').count()).toBe(4);
  expect(await page.locator('main ol').textContent()).toContain('Within 15 minutes');
  expect(await page.getByRole('link', { name: 'Back to sign-in' }).getAttribute('href')).toBe(
    `${kut.baseUrl}/realms/${target.realm}/account/`,
  );
  // Styled by the sidecar's own stylesheet: the button is the primary blue, the card white on grey.
  const button = page.getByRole('button', { name: 'Send me a recovery link' });
  await button.waitFor();
  // (expressions as strings: the tests compile without the DOM's types)
  const color = await page.evaluate<string>("getComputedStyle(document.querySelector('main .button')).backgroundColor");
  expect(color).toBe('rgb(0, 102, 204)');
  const href = (await page.locator('link[rel=stylesheet]').getAttribute('href')) as string;
  expect(href).toMatch(/^\/end-user\/page-[0-9a-f]{12}\.css$/);
  const css = await fetch(`${sidecar.url}${href}`);
  expect([css.status, css.headers.get('content-type'), css.headers.get('cache-control')]).toEqual([
    200,
    'text/css; charset=utf-8',
    'public, max-age=31536000, immutable',
  ]);
  mkdirSync('docs', { recursive: true });
  copyFileSync(await saveScreenshot(page, 'recovery-page'), 'docs/recovery-page.png');
  await page.context().close();
});

test('on a 360×740 phone the page does not scroll sideways and the button is whole, in every language', async () => {
  for (const locale of ['en', 'fr', 'de']) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale, isMobile: true });
    const page = await context.newPage();
    await page.goto(`${sidecar.url}/recovery`);
    const widths = await page.evaluate<number[]>('[document.documentElement.scrollWidth, window.innerWidth]');
    expect({ locale, widths }).toEqual({ locale, widths: [360, 360] });
    const box = await page.locator('button[type=submit]').boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 360 && box.height >= 44).toBe(true);
    if (locale === 'en')
      copyFileSync(await saveScreenshot(page, 'recovery-page-mobile'), 'docs/recovery-page-mobile.png');
    await context.close();
  }
});

test('the answer to the form: the same page for every identifier; the JSON answer unchanged', async () => {
  const page = await newPage();
  const answers: string[] = [];
  for (const identifier of ['rosa@example.org', 'nobody-here@example.org']) {
    await page.goto(`${sidecar.url}/recovery`);
    await page.fill('#identifier', identifier);
    await page.getByRole('button', { name: 'Send me a recovery link' }).click();
    expect(await expectSoundEndUserPage(page, `answer to ${identifier}`)).toBe('Check your email');
    answers.push((await page.locator('main').innerHTML()).trim());
  }
  expect(answers[1]).toBe(answers[0]);
  expect(answers[0]).toContain('If an account matches, an email with a recovery link is on its way.');
  const json = await requestRecovery(sidecar.url, 'nobody-either');
  expect([json.status, JSON.parse(json.body)]).toEqual([
    202,
    {
      status: 'accepted',
      message: 'If an account matches, an email with a recovery link is on its way. It is valid for a limited time.',
    },
  ]);
  await page.context().close();
});

test('/recovery/complete: the page before the sign-in, a sign-in refused, nothing to confirm', async () => {
  const page = await newPage();
  await page.goto(`${sidecar.url}/recovery/complete`);
  expect(await expectSoundEndUserPage(page, 'confirm')).toBe('Confirm your new phone');
  expect(await page.locator('.warning').textContent()).toContain('Did not set up a new phone yourself?');

  await page.goto(`${sidecar.url}/recovery/complete?error=access_denied`);
  expect(await expectSoundEndUserPage(page, 'expired')).toBe('Sign-in not completed');

  // paula has no pending phone: her sign-in proves nothing.
  await page.goto(`${sidecar.url}/recovery/complete`);
  await page.getByRole('link', { name: 'Continue to sign-in' }).click();
  const kcPages = new KeycloakPages(page);
  await kcPages.signIn('paula', passwordOf('paula'));
  await kcPages.enterOtp(await codeFor({ secret: SECRET_A }));
  await page.waitForURL((url) => url.href.startsWith(`${sidecar.url}/recovery/complete?`), { timeout: 15_000 });
  expect(await expectSoundEndUserPage(page, 'nothing-pending')).toBe('Nothing to confirm');
  await page.context().close();
}, 60_000);

test('a recovery to its end, then "This wasn’t me": complete, the confirm form, frozen, a used link', async () => {
  await requestRecovery(sidecar.url, 'rosa');
  const email = await recoveryEmailTo(mail, 'rosa@example.org');
  const page = await newPage();
  const phone = await followRecoveryLink(page, linkIn(email), 'New phone');
  expect(await completeRecovery(page, sidecar.url, 'rosa', passwordOf('rosa'), phone, 'New phone')).toBe(
    'Recovery complete',
  );
  expect(await expectSoundEndUserPage(page, 'done')).toBe('Recovery complete');

  const notice = await mail.waitFor(
    (m) => m.to.includes('rosa@example.org') && m.subject.startsWith('A new authenticator was added'),
  );
  const cancel = /https?:\/\/\S+\/notice\/cancel\?t=[A-Za-z0-9_-]+/.exec(notice.text)?.[0] as string;
  for (const expected of ['Account frozen', 'Link not valid']) {
    await page.goto(cancel);
    expect(await expectSoundEndUserPage(page, 'notice confirm')).toBe('This wasn’t me');
    await page.getByRole('button', { name: 'Yes, freeze my account' }).click();
    expect(await expectSoundEndUserPage(page, expected)).toBe(expected);
  }
  await page.context().close();
}, 120_000);

test('the policy of the pages is strict; the API keeps the app-wide one', async () => {
  const page = await fetch(`${sidecar.url}/recovery`);
  expect(page.headers.get('content-security-policy')).toBe(END_USER_POLICY);
  expect(END_USER_POLICY).not.toMatch(/unsafe-inline|script-src/);
  const api = await fetch(`${sidecar.url}/api/v1/recovery`, { method: 'POST' });
  expect(api.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
});
