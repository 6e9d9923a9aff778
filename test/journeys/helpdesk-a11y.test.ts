/**
 * The helpdesk page for people who use a keyboard and a screen reader, in Chromium. A staff member signs in
 * on Keycloak's pages, finds a user, opens her, removes one device with a ticket, a reason and the code the
 * caller reads back, and sees the result — with the keyboard alone (Tab, Shift+Tab, Enter, Space, typing),
 * never a click; focus stays visible and moves to what each action shows, and a live region announces the
 * result. Then axe-core checks every state of the page (messages, search, results, a user with devices and
 * audit trail, the change dialog filled in, an error shown): no serious or critical violation. The user's
 * view is saved as docs/helpdesk.png.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { severeViolations } from '../support/axe.js';
import { saveScreenshot } from '../support/browser.js';
import { type Journey, startJourney, step } from '../support/journey.js';
import { DISTANT_DEADLINE, grantRealmRoles } from '../support/sidecar-realm.js';
import { allowHelpdeskRedirect, freshCode, signInToHelpdesk } from '../support/staff-sign-in.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A, SECRET_B } from '../support/users.js';

const STAFF_SECRET = 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U';

let journey: Journey;
let page: Page;

beforeAll(async () => {
  journey = await startJourney('helpdesk-a11y', {
    policy: { enforcement: DISTANT_DEADLINE },
  });
  const { kc, target, sidecar } = journey;
  const una = await createTestUser(kc, target.realm, 'una', {
    credentials: [otpCredential('Pixel 8', SECRET_A), otpCredential('Old iPhone', SECRET_B)],
  });
  await sidecar.mirror.syncUser(una);
  const sam = await createTestUser(kc, target.realm, 'sam', {
    credentials: [otpCredential('Staff phone', STAFF_SECRET)],
  });
  await grantRealmRoles(kc, target.realm, sam, ['otp-helpdesk', 'otp-helpdesk-admin']);
  await createTestUser(kc, target.realm, 'nora', { credentials: [otpCredential('Phone', STAFF_SECRET)] });
  await allowHelpdeskRedirect(kc, target.realm, sidecar.url);
  page = await (await journey.browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
}, 120_000);

afterAll(() => journey?.close());

/** What has the focus: its id, tag, text and the outline drawn around it (the browser's computed style). */
const focused = () =>
  page.locator(':focus').evaluate(
    (element) => {
      const style = element.ownerDocument.defaultView?.getComputedStyle(element);
      return {
        id: element.id,
        tag: element.tagName.toLowerCase(),
        text: (element.textContent ?? '').trim(),
        outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '',
      };
    },
    undefined,
    { timeout: 2_000 },
  );

const matches = async (selector: string) => (await page.locator(`${selector}:focus`).count()) === 1;

/** Presses Tab (or Shift+Tab) until the element matching the selector has the focus. */
const tabTo = async (selector: string, key = 'Tab', limit = 40) => {
  for (let i = 0; i < limit; i++) {
    if (await matches(selector)) return;
    await page.keyboard.press(key);
  }
  const at = await focused().catch(() => 'nothing');
  throw new Error(`${key} never reached ${selector} (focus on ${JSON.stringify(at)})`);
};

/** Waits until the selector's element has the focus (after an action that moves it). */
const focusLandsOn = (selector: string) => page.locator(`${selector}:focus`).waitFor({ timeout: 10_000 });

/** A focused control shows a ring (the page's :focus-visible outline, 3px). */
const expectVisibleFocus = async () => {
  expect((await focused()).outline).toBe('solid 3px');
};

const newMailTo = (address: string, subject: string) => {
  const seen = journey.mail.messages.length;
  return () =>
    journey.mail.waitFor(
      (m) => journey.mail.messages.indexOf(m) >= seen && m.to.includes(address) && m.subject.includes(subject),
    );
};

test('keyboard only: sign in, find una, remove her old phone with ticket, reason and code, see the result', async () => {
  await step(journey, [page], 'keyboard', async () => {
    await page.goto(`${journey.sidecar.url}/helpdesk`);
    // Keycloak's sign-in and code pages (the fields keycloak.v2 has), by keyboard.
    await tabTo('#username');
    await page.keyboard.type('sam');
    await tabTo('#password');
    await page.keyboard.type(passwordOf('sam'));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#otp');
    await tabTo('#otp');
    await page.keyboard.type(await freshCode('sam', STAFF_SECRET));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#search');

    // The first Tab shows the skip link; it takes the focus past the header and the tabs.
    await page.keyboard.press('Tab');
    expect(await matches('a.skip')).toBe(true);
    await expectVisibleFocus();
    expect((await page.locator('a.skip').boundingBox())?.y).toBeGreaterThan(0);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect((await focused()).id).toBe('search');
    await expectVisibleFocus();
    // Shift+Tab goes back through the tabs and the header to "Sign out"; Tab returns.
    await tabTo('form.signout button', 'Shift+Tab');
    await expectVisibleFocus();
    await tabTo('nav.tabs a[href="/helpdesk/rollout"]');
    await expectVisibleFocus();
    await tabTo('#search');

    await page.keyboard.type('una');
    await page.keyboard.press('Enter');
    await focusLandsOn('#results-title');
    expect(await page.textContent('#status')).toBe('1 user(s) found.');
    await page.keyboard.press('Tab');
    expect(await focused()).toMatchObject({ tag: 'button', text: 'una' });
    await expectVisibleFocus();
    await page.keyboard.press('Enter');
    await focusLandsOn('#user-title');
    expect((await focused()).text).toBe('una');

    await tabTo('button[aria-label="Remove device Old iPhone"]');
    await expectVisibleFocus();
    await page.keyboard.press('Space');
    await page.waitForSelector('#confirm[open]');
    await focusLandsOn('#ticket');
    await page.keyboard.type('INC-4711');
    await page.keyboard.press('Tab');
    expect((await focused()).id).toBe('reason');
    await page.keyboard.type('Phone was replaced, user called from the desk phone');
    await page.keyboard.press('Tab');
    expect((await focused()).id).toBe('send-code');
    await expectVisibleFocus();
    const codeMail = newMailTo('una@example.org', 'helpdesk verification code');
    await page.keyboard.press('Enter');
    // The code is sent: the focus waits in the field for what the caller reads back.
    await focusLandsOn('#code');
    const code = /^\s+(\d{6})\s*$/m.exec((await codeMail()).text)?.[1] as string;
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');

    // The result is announced (a polite live region) and the focus is on the user's heading again.
    await page.locator('#status', { hasText: /^Device removed \(audit #\d+\)/ }).waitFor();
    expect(await page.getAttribute('#status', 'aria-live')).toBe('polite');
    await focusLandsOn('#user-title');
    expect(await page.isVisible('#confirm[open]')).toBe(false);
    expect(await page.locator('#devices tbody tr', { hasText: 'Old iPhone' }).textContent()).toContain('removed');
    expect(await page.locator('#audit tbody tr').first().textContent()).toContain('INC-4711');
  });
  // The README's picture of the helpdesk, without the focus ring of the last step.
  await page.locator(':focus').evaluate((element) => element.blur());
  const shot = await saveScreenshot(page, 'helpdesk');
  mkdirSync('docs', { recursive: true });
  copyFileSync(shot, 'docs/helpdesk.png');
}, 90_000);

test('axe-core: every state of the helpdesk page, no serious or critical violation', async () => {
  const found: string[] = [];
  const check = async (state: string) => found.push(...(await severeViolations(page, state)));
  await step(journey, [page], 'axe', async () => {
    // A user with devices and an audit trail, as the keyboard test left her.
    await check('user with devices and audit trail');

    // The change dialog: filled in, the code sent; then an error from the sidecar (a wrong code).
    await page.getByRole('button', { name: 'Reset OTP…' }).click();
    await page.waitForSelector('#confirm[open]');
    expect(await page.textContent('#confirm-text')).toContain('Tell them the last step');
    await check('reset dialog, empty');
    await page.fill('#ticket', 'INC-4712');
    await page.fill('#reason', 'Caller lost the phone on a trip abroad');
    await page.click('#send-code');
    await page.locator('#code-status', { hasText: 'Code sent' }).waitFor();
    await page.fill('#code', '000000');
    await check('reset dialog with ticket, reason and code');
    await page.click('#confirm-submit');
    await page.locator('#confirm-error:not(:empty)').waitFor();
    await check('reset dialog with an error');
    await page.keyboard.press('Escape');

    // Search: nothing found (a message), then a list of users.
    await page.fill('#search', 'nobody-has-this-name');
    await page.press('#search', 'Enter');
    await page.locator('#status', { hasText: 'No user matches.' }).waitFor();
    await check('search, no match');
    await page.fill('#search', 'Tester');
    await page.press('#search', 'Enter');
    await page.locator('#results:not([hidden]) tbody tr').first().waitFor();
    await check('search results');

    await page.goto(`${journey.sidecar.url}/helpdesk`);
    await page.waitForSelector('#search');
    await check('signed in, before a search');

    // The message pages: sign-in expired, not allowed, signed out.
    await page.goto(`${journey.sidecar.url}/helpdesk/callback`);
    await check('sign-in expired');
    const nora = await signInToHelpdesk(journey.sidecar.url, 'nora', passwordOf('nora'), STAFF_SECRET);
    const other = await journey.browser.newContext();
    await other.addCookies([{ name: 'otp_helpdesk_session', value: nora.session as string, url: journey.sidecar.url }]);
    const noraPage = await other.newPage();
    await noraPage.goto(`${journey.sidecar.url}/helpdesk`);
    expect(await noraPage.textContent('h1')).toBe('Not allowed');
    found.push(...(await severeViolations(noraPage, 'not allowed')));
    await other.close();
    await page.goto(`${journey.sidecar.url}/helpdesk/signed-out`);
    await check('signed out');
  });
  expect(found).toEqual([]);
}, 60_000);
