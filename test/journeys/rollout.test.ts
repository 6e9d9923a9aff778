/**
 * Journey 1 — rollout. An admin bootstraps a realm that already has 50 users (20 with OTP) from
 * realm-config/ and starts the sidecar with a deadline that has passed. The compliance report lists the
 * 30 still missing; one of them signs in, is made to scan the QR code (read off the screenshot), types the
 * code and a device name; the mirror shows the device and the report drops by one.
 */
import type { Page } from 'playwright-core';
import { planRealm } from '../../admin-scripts/src/index.js';
import { loadRealmConfig } from '../../realm-files/src/index.js';
import { codeFor } from '../support/browser.js';
import { jsonCall } from '../support/http-json.js';
import { type Journey, signedIn, signInWithPassword, startJourney, step } from '../support/journey.js';
import { helpdeskToken, SIDECAR_SECRET } from '../support/sidecar-realm.js';
import { otpCredential, SECRET_A } from '../support/users.js';
import { eventually } from '../support/wait.js';

const YESTERDAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const username = (i: number) => `member${String(i).padStart(2, '0')}`;
const hasOtp = (i: number) => i % 5 < 2;

let journey: Journey;
let token: string;
let page: Page;

beforeAll(async () => {
  journey = await startJourney('rollout', {
    policy: { enforcement: { scope: 'all', deadline: YESTERDAY, reminders: { enabled: false } } },
    existingUsers: (kc, realm) =>
      kc.realms.partialImport({
        realm,
        rep: {
          ifResourceExists: 'FAIL',
          users: Array.from({ length: 50 }, (_, i) => ({
            username: username(i),
            email: `${username(i)}@example.org`,
            firstName: 'Member',
            lastName: String(i),
            enabled: true,
            emailVerified: true,
            credentials: [
              { type: 'password', value: `${username(i)}-pw`, temporary: false },
              ...(hasOtp(i) ? [otpCredential('Phone', SECRET_A)] : []),
            ],
          })),
        } as never,
      }),
  });
  token = await helpdeskToken(journey.kc, journey.kut, journey.target.realm);
  page = await (await journey.browser.newContext()).newPage();
});

afterAll(() => journey?.close());

const compliance = async () =>
  (await jsonCall(`${journey.sidecar.url}/api/v1/compliance?max=100`, { token })).body as {
    counts: { required: number; withOtp: number; missing: number };
    users: { username: string }[];
  };

test('the bootstrap is idempotent: a second plan finds nothing to change', async () => {
  const config = loadRealmConfig(journey.target.dir, { SIDECAR_CLIENT_SECRET: SIDECAR_SECRET });
  expect(await planRealm(journey.kc, config)).toEqual([]);
});

test('the compliance report shows the 30 users still without OTP', async () => {
  const report = await eventually(compliance, (r) => r.counts.required === 51);
  // The realm's required users: the 50 members and the helpdesk account the test signs in with, which has a
  // device (staff sign in with password and code, issue 19).
  expect(report.counts).toMatchObject({ required: 51, withOtp: 21, missing: 30 });
  const missing = report.users.map((u) => u.username).filter((u) => u.startsWith('member'));
  expect(missing).toHaveLength(30);
  expect(missing).toContain(username(7));
  expect(missing).not.toContain(username(5));
});

test('a member without OTP signs in, scans the QR code and names the device; mirror and report follow', async () => {
  const who = username(7);
  await step(journey, [page], 'setup-at-login', async () => {
    const kcPages = await signInWithPassword(journey, page, who, `${who}-pw`);
    const entry = await kcPages.scanOtpQrCode();
    expect(entry.account).toBe(who);
    expect(entry).toMatchObject({ algorithm: 'sha1', digits: 6, period: 30 });
    await kcPages.submitOtpSetup(await codeFor(entry), 'Pixel 8');
    await signedIn(page);
  });
  await step(journey, [page], 'mirror-and-report', async () => {
    const devices = await eventually(
      async () => (await jsonCall(`${journey.sidecar.url}/api/v1/users/${who}/devices`, { token })).body.devices,
      (d: { label: string; removedAt: string | null }[]) => d.some((x) => x.label === 'Pixel 8'),
    );
    expect(devices).toEqual([expect.objectContaining({ label: 'Pixel 8', removedAt: null })]);
    const report = await eventually(compliance, (r) => r.counts.missing === 29);
    expect(report.counts).toMatchObject({ required: 51, withOtp: 22, missing: 29 });
    expect(report.users.map((u) => u.username)).not.toContain(who);
  });
}, 60_000);
