/**
 * Recovery levels other than the default, on one realm whose sidecar.yaml is rewritten between sidecars:
 * `email-only` (chosen explicitly) — the link sets a new phone and password, the old devices wait for the
 * cooling-off, the owner is told and can stop it (`cancelPending`); Keycloak's own "Forgot Password?" completes
 * the same way, and so does the helpdesk's setup link (kept after the cooling-off, stoppable; a protected
 * account's link still waits for a sign-in with the password) — and `device-and-email`, where /recovery sends
 * nothing and the page says what to do instead.
 */
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import type { Browser } from 'playwright-core';
import type { Sidecar } from '../../sidecar/src/main.js';
import { codeFor, launchBrowser } from '../support/browser.js';
import { allowEnrolmentAttribute, verificationFor } from '../support/helpdesk-verification.js';
import { jsonCall } from '../support/http-json.js';
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest } from '../support/keycloak.js';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { accountConsoleLoginUrl, LoginRobot } from '../support/login-robot.js';
import { recoveryEmailTo, requestRecovery, unspentCode } from '../support/recovery.js';
import {
  bootstrapRealm,
  DISTANT_DEADLINE,
  grantRealmRoles,
  STAFF_OTP_SECRET,
  startTestSidecar,
  type TestRealm,
} from '../support/sidecar-realm.js';
import { linkIn, type MailCatcher, startMailCatcher } from '../support/smtp.js';
import { staffBearerToken } from '../support/staff-sign-in.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A, SECRET_B } from '../support/users.js';
import { eventually } from '../support/wait.js';

let kut: KeycloakUnderTest;
let kc: KcAdminClient;
let mail: MailCatcher;
let browser: Browser;
let target: TestRealm;
let sidecar: Sidecar | undefined;

/** The realm at this recovery level, as an admin sets it: sidecar.yaml, then the admin scripts apply the realm's flows. */
const withLevel = async (recovery: Record<string, unknown>) => {
  await sidecar?.close();
  target = await bootstrapRealm(kc, mail, { enforcement: DISTANT_DEADLINE, recovery }, 'levels', target.realm);
  sidecar = await startTestSidecar(kut, mail, target);
  await sidecar.firstPass;
  return sidecar;
};

const otpLabels = async (id: string) =>
  (await kc.users.getCredentials({ realm: target.realm, id }))
    .filter((c) => c.type === 'otp')
    .map((c) => c.userLabel)
    .sort();

const requestOf = (s: Sidecar, userId: string) =>
  s.db.query<{ id: string; proven_at: Date | null; outcome: string | null }>(
    'select id, proven_at, outcome from recovery_requests where user_id = $1 and pending_credential_id is not null',
    [userId],
  );

beforeAll(async () => {
  [kut, mail, browser] = await Promise.all([startKeycloakUnderTest(), startMailCatcher(), launchBrowser()]);
  kc = await masterAdminClient(kut);
  target = await bootstrapRealm(kc, mail, { enforcement: DISTANT_DEADLINE }, 'levels');
}, 120_000);

afterAll(async () => {
  await sidecar?.close();
  await Promise.all([browser?.close(), mail?.close(), kut?.close()]);
});

test('email-only: the link proves the new phone, the old one waits for the cooling-off; "This wasn’t me" stops it', async () => {
  const s = await withLevel({ level: 'email-only' });
  const id = await createTestUser(kc, target.realm, 'nora', { credentials: [otpCredential('Old phone', SECRET_A)] });
  await s.mirror.syncUser(id);
  await requestRecovery(s.url, 'nora');
  const email = await recoveryEmailTo(mail, 'nora@example.org');
  const page = await (await browser.newContext()).newPage();
  const pages = new KeycloakPages(page);
  await pages.openEmailLink(linkIn(email));
  const phone = { ...(await pages.scanOtpQrCode()), spent: [] as number[] };
  await pages.submitOtpSetup(await unspentCode(phone), 'New phone');
  await pages.updatePassword('nora-new-password-1');
  await pages.waitForText('Your account has been updated.');
  await page.context().close();

  const [request] = await eventually(
    () => requestOf(s, id),
    (rows) => rows[0]?.proven_at != null,
  );
  // The cooling-off (24 h by default at this level): both devices are there; the owner is told when.
  expect(await otpLabels(id)).toEqual(['New phone', 'Old phone']);
  await mail.waitFor(
    (m) => m.to.includes('nora@example.org') && m.subject.startsWith('Your old authenticators will be removed'),
  );

  // "This wasn't me": the pending retirement stops and the device the recovery brought goes.
  expect(await s.recovery.cancelPending(id)).toBe(1);
  expect(await otpLabels(id)).toEqual(['Old phone']);
  expect((await requestOf(s, id)).map((r) => [r.id, r.outcome])).toEqual([[request?.id, 'cancelled']]);
  await mail.waitFor((m) => m.to.includes('nora@example.org') && m.subject.startsWith('A recovery of your'));
}, 90_000);

test('email-only: Keycloak’s "Forgot Password?" (new phone and new password) retires the old phone after the cooling-off', async () => {
  const s = await withLevel({ level: 'email-only' });
  const id = await createTestUser(kc, target.realm, 'otto', { credentials: [otpCredential('Old phone', SECRET_B)] });
  await s.mirror.syncUser(id);
  const robot = new LoginRobot();
  await robot.open(accountConsoleLoginUrl(kut.baseUrl, target.realm));
  await robot.follow('Forgot Password\\?');
  await robot.submit({ username: 'otto' });
  const email = await mail.waitFor((m) => m.to.includes('otto@example.org') && m.subject === 'Reset password');
  await new Promise((r) => setTimeout(r, 2_000)); // the sidecar sees SEND_RESET_PASSWORD first, as in real life
  await robot.open(linkIn(email));
  await robot.follow('Unable to scan\\?');
  const secret = (robot.textOf('kc-totp-secret-key') ?? '').replaceAll(' ', '');
  await robot.submit({ totp: await codeFor({ secret }), userLabel: 'Replacement' });
  await robot.submit({ 'password-new': 'otto-new-password', 'password-confirm': 'otto-new-password' });

  const [request] = await eventually(
    () => requestOf(s, id),
    (rows) => rows[0]?.proven_at != null,
  );
  expect(await otpLabels(id)).toEqual(['Old phone', 'Replacement']);
  // The cooling-off ends (its clock moved on in the store): the next housekeeping run retires the old phone.
  await s.db.query("update recovery_requests set retire_at = now() - interval '1 minute' where id = $1", [
    request?.id ?? '',
  ]);
  await s.recovery.completePending();
  expect(await otpLabels(id)).toEqual(['Replacement']);
  await mail.waitFor(
    (m) => m.to.includes('otto@example.org') && m.subject.startsWith('Your old authenticators were removed'),
  );
}, 90_000);

test('email-only: the helpdesk’s link sets phone and password, kept after the cooling-off; "This wasn’t me" stops it', async () => {
  const s = await withLevel({ level: 'email-only' });
  await allowEnrolmentAttribute(kc, target.realm);
  const staff = await createTestUser(kc, target.realm, 'hal', {
    credentials: [otpCredential('Staff', STAFF_OTP_SECRET)],
  });
  await grantRealmRoles(kc, target.realm, staff, ['otp-helpdesk']);
  const token = await staffBearerToken(kut.baseUrl, target.realm, 'hal', passwordOf('hal'), STAFF_OTP_SECRET);
  const id = await createTestUser(kc, target.realm, 'hedy', { credentials: [otpCredential('Lost phone', SECRET_A)] });
  await s.mirror.syncUser(id);
  const verification = await verificationFor(s.url, token, mail, id, 'hedy@example.org');
  const reset = await jsonCall(`${s.url}/api/v1/helpdesk/users/${id}/reset-otp`, {
    token,
    method: 'POST',
    json: { reason: 'Lost phone and password', ticket: 'HD-9001', verification },
  });
  expect(reset.status).toBe(200);

  // Hedy does not know her password: the link sets a new phone and a new password.
  const email = await mail.waitFor((m) => m.to.includes('hedy@example.org') && m.subject === 'Update Your Account');
  const robot = new LoginRobot();
  await robot.open(linkIn(email));
  if (robot.page.html.includes('Click here to proceed')) await robot.follow('Click here to proceed');
  await robot.follow('Unable to scan\\?');
  const secret = (robot.textOf('kc-totp-secret-key') ?? '').replaceAll(' ', '');
  await robot.submit({ totp: await codeFor({ secret }), userLabel: 'New phone' });
  await robot.submit({ 'password-new': 'hedy-new-password', 'password-confirm': 'hedy-new-password' });

  // The link proves it (as the email-only recovery link does); it is kept after the cooling-off, announced.
  const [request] = await eventually(
    () => requestOf(s, id),
    (rows) => rows[0]?.proven_at != null,
  );
  expect(await otpLabels(id)).toEqual(['New phone']);
  await mail.waitFor((m) => m.to.includes('hedy@example.org') && m.subject.startsWith('A new authenticator on your'));
  // "This wasn't me" in the cooling-off: the phone goes and the account is link-only again.
  expect(await s.recovery.cancelPending(id)).toBe(1);
  expect(await otpLabels(id)).toEqual([]);
  expect((await requestOf(s, id)).map((r) => [r.id, r.outcome])).toEqual([[request?.id, 'cancelled']]);
  expect((await kc.users.findOne({ realm: target.realm, id }))?.attributes?.['otp-enrolment']).toEqual(['link-only']);

  // A protected account (here: helpdesk staff) never recovers by email alone: its link waits for a sign-in.
  expect(await s.recovery.sendSetupLink(staff)).toBe('sign-in');
  const [staffRequest] = await s.db.query<{ level: string }>('select level from recovery_requests where user_id = $1', [
    staff,
  ]);
  expect(staffRequest?.level).toBe('password-and-email');
}, 120_000);

test('device-and-email: /recovery sends nothing (the same 202) and the page says what to do instead', async () => {
  const s = await withLevel({ level: 'device-and-email' });
  await createTestUser(kc, target.realm, 'pia');
  const answer = await requestRecovery(s.url, 'pia');
  expect(answer.status).toBe(202);
  expect(JSON.parse(answer.body).status).toBe('accepted');
  const page = await (await fetch(`${s.url}/recovery`)).text();
  expect(page).toContain('Forgot Password?');
  expect(page).not.toContain('<form');
  await new Promise((r) => setTimeout(r, 3_000));
  expect(mail.messages.filter((m) => m.to.includes('pia@example.org'))).toEqual([]);
}, 60_000);
