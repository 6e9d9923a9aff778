/**
 * The first hour, as the README's "Try it" section tells it: `npm start` exactly as the README says (on
 * non-default ports), then Chromium through the journeys — the printed URLs answer, staff sign in to the
 * helpdesk, a user past the deadline must set up OTP, the admin scripts see no drift, alice adds a second
 * device at the account console and deletes it, a restart sends no email, and SIGTERM to npm's PID frees
 * every port. Emulator-only by nature (`npm start` runs the emulator). The account console steps need the
 * emulator's `/realms/{realm}/account` (issue 17).
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { codeFor, launchBrowser } from '../support/browser.js';
import { DemoRuns, inboxMessages, QUIET_RESTART, runAdminCommand } from '../support/demo-process.js';
import { describeEmulatorOnly } from '../support/keycloak.js';
import { completeRecovery, followRecoveryLink } from '../support/recovery.js';
import { eventually } from '../support/wait.js';

/** The demo users' OTP secrets, as the README's "Try it" table gives them. */
const SECRETS = { alice: 'JBSWY3DPEHPK3PXP', helen: 'MFRGGZDFMZTWQ2LK', ivan: 'NBSWY3DPO5XXE3DE' };
const TABLET_SECRET = 'KRUGS4ZANFZSAYJAORSXG5BAONSWG4TFOQ';

const demos = new DemoRuns();
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await demos.stop();
});

/** Keycloak's sign-in page: username and password, then the code when the account has a device. */
const signIn = async (page: Page, username: string, secret?: string) => {
  await page.waitForSelector('#username');
  await page.fill('#username', username);
  await page.fill('#password', `demo-${username}`);
  await page.click('#kc-login');
  if (!secret) return;
  await page.waitForSelector('#otp');
  await page.fill('#otp', await codeFor({ secret }));
  await page.click('#kc-login');
};

/** What Keycloak asks before an application-initiated action: the password and code again, then consent. */
const confirmAction = async (page: Page, username: string, secret: string) => {
  const asked = await Promise.race([
    page.waitForSelector('#password', { timeout: 10_000 }).then(() => 'password' as const),
    page.waitForSelector('#kc-accept', { timeout: 10_000 }).then(() => 'accept' as const),
  ]);
  if (asked === 'password') {
    if (await page.locator('#username').isVisible()) await page.fill('#username', username);
    await page.fill('#password', `demo-${username}`);
    await page.click('#kc-login');
    if (await page.waitForSelector('#otp', { timeout: 3_000 }).catch(() => undefined)) {
      await page.fill('#otp', await codeFor({ secret }));
      await page.click('#kc-login');
    }
  }
  if (await page.waitForSelector('#kc-accept', { timeout: 5_000 }).catch(() => undefined))
    await page.click('#kc-accept');
};

/** Names the README step that failed, with a screenshot under test-artifacts/first-hour/. */
const step = async (page: Page, name: string, run: () => Promise<void>) => {
  try {
    await run();
  } catch (error) {
    await page.screenshot({ path: `test-artifacts/first-hour/${name.replace(/\W+/g, '_')}.png` }).catch(() => {});
    throw new Error(`step "${name}": ${(error as Error).message}`, { cause: error });
  }
};

describeEmulatorOnly('the first hour with npm start', () => {
  test('walks the README "Try it" section', async () => {
    const running = await demos.start();
    const page = await (await browser.newContext()).newPage();

    // The printed URLs answer: the sidecar's pages, and the inbox with erin's reminder already in it.
    expect((await fetch(`${running.sidecarUrl}/recovery`)).status).toBe(200);
    const first = await eventually(
      () => inboxMessages(running),
      (list) => list.length > 0,
    );
    expect(first.map((m) => [m.to[0], m.subject])).toEqual([
      ['erin@demo.example.org', expect.stringMatching(/^Set up two-factor authentication before /)],
    ]);

    // maildev's web inbox, as the README's step 1 describes it: erin's reminder listed, and readable.
    await step(page, 'mail inbox', async () => {
      await page.goto(running.inboxUrl);
      await page.getByRole('button', { name: /erin@demo\.example\.org/ }).click();
      const shown = page.getByRole('main');
      expect(await shown.getByRole('heading', { level: 1 }).textContent()).toBe(first[0]?.subject);
      await shown.getByRole('button', { name: 'Plain Text' }).click();
      await shown.getByText(first[0]?.text.split('\n')[0] ?? '').waitFor();
    });

    // The staff user signs in to the helpdesk (redirect URIs follow PORT) and finds alice.
    await step(page, 'helpdesk sign-in', async () => {
      await page.goto(`${running.sidecarUrl}/helpdesk`);
      await signIn(page, 'helen', SECRETS.helen);
      await page.waitForSelector('#search');
      await page.fill('#search', 'alice');
      await page.click('#search-form button[type=submit]');
      await page.getByRole('button', { name: 'alice', exact: true }).click();
      await page.waitForSelector('#devices tbody tr');
      expect(await page.locator('#devices').textContent()).toContain('Pixel 8');
      await page.context().clearCookies();
    });

    // dave is past the deadline: signing in means setting up OTP first.
    await step(page, 'forced setup', async () => {
      await page.goto(`${running.sidecarUrl}/helpdesk`);
      await signIn(page, 'dave');
      await page.waitForSelector('#kc-totp-secret-qr-code');
      await page.context().clearCookies();
    });

    // The admin scripts `npm start` printed agree with the running demo.
    expect((await runAdminCommand(running, 'plan')).stdout).toContain(
      'No changes: realm demo (realm-config/demo) matches its policy.',
    );
    expect((await runAdminCommand(running, 'verify')).code).toBe(0);

    // alice at the account console: her device, a second one added, then deleted again.
    await step(page, 'account console', async () => {
      await page.goto(`${running.keycloakUrl}/realms/demo/account`);
      await signIn(page, 'alice', SECRETS.alice);
      await page.waitForSelector('text=Pixel 8');
      await page.getByText('Set up authenticator application').first().click();
      await page.waitForSelector('#kc-totp-secret-qr-code');
      await page.click('text=Unable to scan?');
      const key = ((await page.locator('#kc-totp-secret-key').textContent()) ?? '').replace(/\s+/g, '');
      expect(key.length).toBeGreaterThan(0);
      await page.fill('#totp', await codeFor({ secret: key || TABLET_SECRET }));
      await page.fill('#userLabel', 'Tablet');
      await page.click('#saveTOTPBtn');
      await page.waitForSelector('text=Tablet');
      await eventually(
        () => inboxMessages(running),
        (list) => list.some((m) => m.to.includes('alice@demo.example.org') && /added/.test(m.subject)),
      );
      const added = (await inboxMessages(running)).find((m) => m.to.includes('alice@demo.example.org'));
      expect(added?.subject).toBe('A new authenticator was added to your Demo Research Lab account');

      const tablet = page.locator('li, tr, [data-testid]', { hasText: 'Tablet' }).last();
      await tablet.getByText('Delete').click();
      await confirmAction(page, 'alice', key);
      await page.waitForSelector('text=Pixel 8');
      expect(await page.locator('text=Tablet').count()).toBe(0);
      const removed = await eventually(
        () => inboxMessages(running),
        (list) => list.some((m) => /removed/.test(m.subject)),
      );
      expect(removed.filter((m) => /removed/.test(m.subject)).map((m) => m.subject)).toEqual([
        'An authenticator was removed from your Demo Research Lab account',
      ]);
    });

    // A restart on the same data sends nothing (the demo users keep their ids and devices); SIGTERM to npm's
    // PID stops every part and frees every port.
    expect(await demos.restart('SIGTERM')).toEqual(QUIET_RESTART);
  }, 300_000);

  // Steps 6 and 9 on a demo of their own (a recovery changes carol's devices, which a restart would then see).
  test('walks "The lost phone" and "The rollout dashboard" steps', async () => {
    const own = new DemoRuns();
    try {
      const running = await own.start();
      const page = await (await browser.newContext()).newPage();
      const carolMail = async (subject: RegExp) => {
        const isIt = (m: { to: string[]; subject: string }) =>
          m.to.includes('carol@demo.example.org') && subject.test(m.subject);
        const list = await eventually(
          () => inboxMessages(running),
          (messages) => messages.some(isIt),
        );
        const found = list.find(isIt);
        if (!found)
          throw new Error(
            `no ${subject} for carol; the inbox: ${JSON.stringify(list.map((m) => [m.to, m.subject]))}\n${running.output().slice(-5000)}`,
          );
        return found;
      };

      await step(page, 'the lost phone', async () => {
        await page.goto(`${running.sidecarUrl}/recovery`);
        await page.fill('#identifier', 'carol');
        await page.getByRole('button', { name: 'Send me a recovery link' }).click();
        const email = await carolMail(/^Update Your Account$/);
        const link = /https?:\/\/\S+/.exec(email.text)?.[0] as string;
        const phone = await followRecoveryLink(page, link, 'New phone');
        await page.getByRole('link', { name: /Back to Application/ }).click();
        expect(await completeRecovery(page, running.sidecarUrl, 'carol', 'demo-carol', phone, 'New phone')).toBe(
          'Recovery complete',
        );
        const removed = await carolMail(/^Your old authenticators were removed from your Demo Research Lab account$/);
        expect(removed.text).toContain('"iPhone 15"');
        expect(removed.text).toMatch(/wasn't me|This wasn.t me/i);
        await page.context().clearCookies();
      });

      await step(page, 'the rollout dashboard', async () => {
        await page.goto(`${running.sidecarUrl}/helpdesk/rollout`);
        await signIn(page, 'ivan', SECRETS.ivan);
        await page.getByRole('link', { name: 'Rollout' }).waitFor();
        expect(await page.locator('#kpi-pending').textContent()).toBe('2');
        // The pending users, as the README says: dave (setup required) and erin (before her deadline).
        const href = (await page.getByRole('link', { name: /CSV/ }).getAttribute('href')) as string;
        const csv = await (await page.request.get(new URL(href, page.url()).href)).text();
        expect(csv).toMatch(/dave/);
        expect(csv).toMatch(/erin/);
      });
    } finally {
      await own.stop();
    }
  }, 300_000);
});
