/**
 * The rollout dashboard, end to end: a realm with two groups and ten days of seeded history (written
 * through the rollout's records module), today's snapshot taken by an enforcement pass; the API's numbers
 * match the compliance API's, the CSV lists the pending users, only the admin role gets in, and the
 * helpdesk page's Rollout tab in Chromium shows the charts, passes axe-core and is saved as
 * docs/rollout-dashboard.png. The tab asks for the same staff session as the helpdesk (its role, a sign-in
 * with the second factor) before the admin role: an admin-role holder without the helpdesk role gets nothing.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { addDays, dayOf, weekStartOf } from '../../sidecar/src/rollout/progress.js';
import { saveSnapshots } from '../../sidecar/src/rollout/records.js';
import type { RolloutOverview } from '../../sidecar/src/rollout/rollout.js';
import { severeViolations } from '../support/axe.js';
import { saveScreenshot } from '../support/browser.js';
import { verificationFor } from '../support/helpdesk-verification.js';
import { jsonCall } from '../support/http-json.js';
import { type Journey, startJourney, step } from '../support/journey.js';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { grantRealmRoles } from '../support/sidecar-realm.js';
import { freshCode, signInToHelpdesk, staffBearerToken } from '../support/staff-sign-in.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A } from '../support/users.js';

const TODAY = dayOf(new Date());
const DEADLINE = addDays(TODAY, 30);
const HISTORY = 10;

let journey: Journey;
let adminToken: string;
let staffToken: string;

/** Members of a new top-level group, the first `withOtp` of them with a device. */
const groupWith = async (name: string, size: number, withOtp: number) => {
  const { kc, target } = journey;
  const { id } = await kc.groups.create({ realm: target.realm, name });
  for (let i = 0; i < size; i++) {
    const userId = await createTestUser(kc, target.realm, `${name}${i}`, {
      credentials: i < withOtp ? [otpCredential('Phone', SECRET_A)] : [],
    });
    await kc.users.addToGroup({ realm: target.realm, id: userId, groupId: id });
  }
};

/** A helpdesk action this week: ada removes una's old phone (una keeps her other device). */
const removeOldPhone = async () => {
  const { kc, target, sidecar } = journey;
  const una = await createTestUser(kc, target.realm, 'una', {
    credentials: [otpCredential('Pixel 8', SECRET_A), otpCredential('Old iPhone', SECRET_A)],
  });
  const old = (await kc.users.getCredentials({ realm: target.realm, id: una })).find(
    (c) => c.userLabel === 'Old iPhone',
  );
  // The caller reads back the code mailed to her account, and the write names a ticket (the helpdesk's rules).
  const verification = await verificationFor(sidecar.url, adminToken, journey.mail, una, 'una@example.org');
  const removed = await jsonCall(`${sidecar.url}/api/v1/helpdesk/users/${una}/devices/${old?.id}/remove`, {
    token: adminToken,
    method: 'POST',
    json: { reason: 'Phone replaced by a new one', ticket: 'HD-42', verification },
  });
  expect(removed.status).toBe(200);
};

/** Ten past days: the realm and each group enrolling a little every day up to today's state. */
const seedHistory = async () => {
  const realm = journey.target.realm;
  for (let d = HISTORY; d >= 1; d--) {
    const day = addDays(TODAY, -d);
    const row = (groupPath: string, required: number, enrolled: number) => ({
      day,
      groupPath,
      required,
      enrolled,
      pending: required - enrolled,
      exempt: 0,
    });
    await saveSnapshots(
      journey.sidecar.db,
      realm,
      [
        row('*', 13, Math.max(0, 7 - Math.ceil(d / 2))),
        row('/staff', 6, Math.max(0, 4 - Math.ceil(d / 3))),
        row('/contractors', 4, 0),
      ],
      new Date(`${day}T12:00:00Z`),
    );
  }
};

beforeAll(async () => {
  journey = await startJourney('rollout-dashboard', {
    // Reminders from 60 days before the deadline: the pass reminds each pending user once.
    policy: {
      enforcement: {
        scope: 'all',
        deadline: DEADLINE,
        reminders: { enabled: true, startDaysBefore: 60, intervalDays: 3 },
      },
    },
  });
  const { kc, target, kut, sidecar } = journey;
  await groupWith('staff', 6, 4);
  await groupWith('contractors', 4, 1);
  const ada = await createTestUser(kc, target.realm, 'ada', { credentials: [otpCredential('Phone', SECRET_A)] });
  await grantRealmRoles(kc, target.realm, ada, ['otp-helpdesk', 'otp-helpdesk-admin']);
  const sam = await createTestUser(kc, target.realm, 'sam', { credentials: [otpCredential('Phone', SECRET_A)] });
  await grantRealmRoles(kc, target.realm, sam, ['otp-helpdesk']);
  // otto holds the admin role but not the helpdesk role: the helpdesk is not his, nor is its Rollout tab.
  const otto = await createTestUser(kc, target.realm, 'otto', { credentials: [otpCredential('Phone', SECRET_A)] });
  await grantRealmRoles(kc, target.realm, otto, ['otp-helpdesk-admin']);
  // Staff tokens from a password + code sign-in (the API refuses a token without the second factor).
  adminToken = await staffBearerToken(kut.baseUrl, target.realm, 'ada', passwordOf('ada'), SECRET_A);
  staffToken = await staffBearerToken(kut.baseUrl, target.realm, 'sam', passwordOf('sam'), SECRET_A);
  await removeOldPhone();
  await seedHistory();
  // Today's snapshot comes from a full enforcement pass, as in production.
  await sidecar.runEnforcement();
  const [client] = await kc.clients.find({ realm: target.realm, clientId: 'otp-helpdesk' });
  await kc.clients.update(
    { realm: target.realm, id: client?.id as string },
    { ...client, redirectUris: [`${sidecar.url}/helpdesk/*`] },
  );
}, 120_000);

afterAll(() => journey?.close());

const rollout = async (token = adminToken) => jsonCall(`${journey.sidecar.url}/api/v1/rollout`, { token });

test("the API's numbers for today match the compliance API's", async () => {
  const { status, body } = await rollout();
  expect(status).toBe(200);
  const overview = body as RolloutOverview;
  const compliance = (await jsonCall(`${journey.sidecar.url}/api/v1/compliance`, { token: adminToken })).body as {
    counts: { required: number; withOtp: number; missing: number };
  };
  expect(overview.counts).toMatchObject({
    required: compliance.counts.required,
    enrolled: compliance.counts.withOtp,
    pending: compliance.counts.missing,
  });
  // 6 + 4 group members, ada, sam, otto and una: 14 required, 9 with a device.
  expect(overview.counts).toMatchObject({ required: 14, enrolled: 9, pending: 5 });
  // The pass's snapshot of today is the series' last point, after the ten seeded days.
  expect(overview.series).toHaveLength(HISTORY + 1);
  expect(overview.series.at(-1)).toEqual({ day: TODAY, counts: overview.counts });
  expect(overview.deadline).toBe(DEADLINE);
  expect(overview.projection).toMatchObject({ status: 'on-pace', beforeDeadline: true });
});

test('each group has its progress from the pass that just ran; the weeks are counted', async () => {
  const overview = (await rollout()).body as RolloutOverview;
  const byPath = Object.fromEntries(overview.groups.map((g) => [g.path, g]));
  expect(byPath['/staff']).toMatchObject({ counts: { required: 6, enrolled: 4, pending: 2 }, percent: 66.6 });
  expect(byPath['/contractors']).toMatchObject({ counts: { required: 4, enrolled: 1, pending: 3 }, percent: 25 });
  // Contractors went from 0 to 1 in a day after nine flat ones: a pace, slow.
  expect(byPath['/contractors']?.projection.status).toBe('on-pace');
  expect(overview.weekly.reminders).toHaveLength(12);
  // This week: the five pending users reminded, una's removed phone; nothing before.
  const thisWeek = (series: { week: string; count: number }[]) => series.map((w) => w.count);
  expect(overview.weekly.reminders.at(-1)?.week).toBe(weekStartOf(new Date()));
  expect(thisWeek(overview.weekly.reminders)).toEqual([...Array(11).fill(0), 5]);
  expect(thisWeek(overview.weekly.helpdeskActions)).toEqual([...Array(11).fill(0), 1]);
});

test('the pending list as CSV', async () => {
  const response = await fetch(`${journey.sidecar.url}/api/v1/rollout/pending.csv`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
  const lines = (await response.text()).trim().split('\r\n');
  expect(lines[0]).toBe('user_id,username,email,deadline,status');
  expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(
    ['contractors1', 'contractors2', 'contractors3', 'staff4', 'staff5'].map((u) => `"${u}"`),
  );
});

test('only holders of the admin role see the rollout', async () => {
  expect((await rollout(staffToken)).status).toBe(403);
  const anonymous = await fetch(`${journey.sidecar.url}/api/v1/rollout`);
  expect(anonymous.status).toBe(401);
  const page = await fetch(`${journey.sidecar.url}/helpdesk/rollout`, { redirect: 'manual' });
  expect(page.status).toBe(302);
  // The sign-in comes back to the tab.
  expect(page.headers.get('location')).toBe('/helpdesk/login?to=rollout');
  // Only the tabs' names are places to return to; anything else starts a sign-in back to the helpdesk.
  for (const to of ['rollout', '__proto__', 'https://evil.example', 'constructor'])
    expect((await fetch(`${journey.sidecar.url}/helpdesk/login?to=${to}`, { redirect: 'manual' })).status).toBe(302);
});

/** The Rollout tab and the Users tab as a page session of `username` (password + code) gets them. */
const tabsOf = async (username: string) => {
  const signedIn = await signInToHelpdesk(journey.sidecar.url, username, passwordOf(username), SECRET_A);
  expect(signedIn).toMatchObject({ returned: true, callbackStatus: 302 });
  const get = (path: string) =>
    fetch(`${journey.sidecar.url}${path}`, {
      redirect: 'manual',
      headers: { cookie: `otp_helpdesk_session=${signedIn.session}` },
    });
  const [rolloutTab, usersTab] = await Promise.all([get('/helpdesk/rollout'), get('/helpdesk')]);
  return { rolloutTab, usersTab, usersHtml: await usersTab.text(), rolloutHtml: await rolloutTab.text() };
};

test('helpdesk staff without the admin role see no Rollout tab and are refused it', async () => {
  const { rolloutTab, usersTab, usersHtml, rolloutHtml } = await tabsOf('sam');
  expect([usersTab.status, rolloutTab.status]).toEqual([200, 403]);
  expect(usersHtml).toContain('>Users</a>');
  expect(usersHtml).not.toContain('/helpdesk/rollout');
  expect(rolloutHtml).toContain('otp-helpdesk-admin');
  expect(rolloutHtml).not.toContain('kpi-required');
});

test('attack: the admin role without the helpdesk role opens neither tab (the tab once let it in)', async () => {
  // A page session of otto's (password + code) reached the dashboard with the admin role alone, while the
  // helpdesk and the rollout API ask for the helpdesk role too.
  const { rolloutTab, usersTab, rolloutHtml } = await tabsOf('otto');
  expect([usersTab.status, rolloutTab.status]).toEqual([403, 403]);
  expect(rolloutHtml).toContain('realm role otp-helpdesk to use the helpdesk');
  expect(rolloutHtml).not.toContain('kpi-required');
});

describe('the page in Chromium', () => {
  let page: Page;

  beforeAll(async () => {
    page = await (await journey.browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    // Straight to the tab: the sign-in comes back to it.
    await page.goto(`${journey.sidecar.url}/helpdesk/rollout`);
    const kcPages = new KeycloakPages(page);
    await kcPages.signIn('ada', passwordOf('ada'));
    // A code ada has not used yet (her token above spent one; Keycloak takes each code once).
    await kcPages.enterOtp(await freshCode('ada', SECRET_A));
    await page.waitForURL(/\/helpdesk\/rollout$/);
  }, 60_000);

  test('shows the charts, the numbers and the data tables, from the server alone', async () => {
    await step(journey, [page], 'dashboard', async () => {
      expect(await page.textContent('h1')).toContain('OTP helpdesk');
      expect(await page.getAttribute('nav.tabs a[href="/helpdesk/rollout"]', 'aria-current')).toBe('page');
      expect(await page.textContent('#staff')).toBe('ada');
      expect(await page.textContent('#kpi-required')).toBe('14');
      expect(await page.textContent('#kpi-pending')).toBe('5');
      expect(await page.textContent('#projection')).toMatch(/before the deadline/);
      const charts = page.locator('svg[role="img"]');
      expect(await charts.count()).toBe(3);
      expect(await page.locator('svg .enrolled-line').getAttribute('points')).toMatch(
        /^[\d.]+,[\d.]+( [\d.]+,[\d.]+){10}$/,
      );
      expect(await page.locator('svg .bar-fill').count()).toBe(2);
      expect(await page.locator('svg .bar-reminders[height="96"]').count()).toBe(1);
      expect(await page.locator('script').count()).toBe(0);
      const csp = (await page.request.get(`${journey.sidecar.url}/helpdesk/rollout`)).headers()[
        'content-security-policy'
      ];
      expect(csp).toMatch(/default-src 'none'/);
      expect(csp).toMatch(/script-src 'self';/);
      expect(csp).not.toMatch(/unsafe-inline/);
      const css = await page.request.get(`${journey.sidecar.url}/helpdesk/rollout/rollout.css`);
      expect([css.status(), css.headers()['content-type']]).toEqual([200, 'text/css; charset=utf-8']);
      expect(await css.text()).toContain('.chart .bar-fill');
      const table = await page.locator('table', { hasText: 'Progress per group' }).textContent();
      expect(table).toContain('/contractors');
    });
  });

  test('the Users tab leads back to the helpdesk, the Rollout tab to the dashboard', async () => {
    await step(journey, [page], 'tabs', async () => {
      const tabs = page.getByRole('navigation', { name: 'Helpdesk sections' });
      await tabs.getByRole('link', { name: 'Users', exact: true }).click();
      await page.waitForSelector('#search');
      expect(await page.getAttribute('nav.tabs a[href="/helpdesk"]', 'aria-current')).toBe('page');
      await tabs.getByRole('link', { name: 'Rollout', exact: true }).click();
      await page.waitForSelector('#kpi-required');
    });
  });

  test('passes axe-core with no serious or critical violation; a screenshot for the README', async () => {
    expect(await severeViolations(page, 'rollout tab')).toEqual([]);
    // The data tables behind the charts, opened, pass too.
    for (const summary of await page.locator('details.data summary').all()) await summary.click();
    expect(await severeViolations(page, 'rollout tab, tables open')).toEqual([]);
    for (const summary of await page.locator('details.data summary').all()) await summary.click();
    const shot = await saveScreenshot(page, 'rollout-dashboard');
    mkdirSync('docs', { recursive: true });
    copyFileSync(shot, 'docs/rollout-dashboard.png');
  });
});
