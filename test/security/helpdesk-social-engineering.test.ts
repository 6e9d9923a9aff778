/**
 * Issue 19, attack 5: helpdesk social engineering. The attacker holds the victim's username and password
 * (phished), not the victim's mailbox; he calls the helpdesk as the victim. Before: no identity check, the
 * ticket optional, a 5-character reason, 25 resets in 0.4 s by one staff member, and after `reset-otp` the
 * next password-only sign-in enrolled whoever typed it. Now: the caller must read back a code mailed to the
 * account's verified address (5 tries), a ticket and a real reason are required, one staff member's writes
 * are limited per hour (refusals counted in otp_sidecar_helpdesk_writes_refused_total), and a reset leaves
 * the account link-only: the password alone neither signs in nor enrols; the emailed link does, and its
 * device is kept only once the owner signs in at /recovery/complete with the password and the new device
 * (helpdesk-link-mailbox-only.test.ts: a mailbox reader's device goes).
 * (The refusal of the password-only sign-in is the realm's browser flow, which the admin scripts build.)
 */
import { keyUriOnPage, secretOf, totpCode } from '../emulator/kc26-flows-lab.js';
import { allowEnrolmentAttribute, verificationFor } from '../support/helpdesk-verification.js';
import { jsonCall } from '../support/http-json.js';
import { accountConsoleLoginUrl, LoginRobot } from '../support/login-robot.js';
import { completeRecoveryByRobot } from '../support/recovery.js';
import { DISTANT_DEADLINE, grantRealmRoles, STAFF_OTP_SECRET } from '../support/sidecar-realm.js';
import { kc, kut, mail, sidecar, target, useSidecarRealm } from '../support/sidecar-world.js';
import { linkIn } from '../support/smtp.js';
import { staffBearerToken } from '../support/staff-sign-in.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A } from '../support/users.js';
import { eventually } from '../support/wait.js';

const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};

const withPhone = { credentials: [otpCredential('Phone', SECRET_A)] };
const REQUEST = { reason: 'Caller says the phone was lost', ticket: 'HD-5150' };

const otpOf = async (id: string) =>
  (await kc.users.getCredentials({ realm: target.realm, id })).filter((c) => c.type === 'otp');

const reset = (userId: string, token: string, body: Record<string, unknown>) =>
  jsonCall(`${sidecar.url}/api/v1/helpdesk/users/${userId}/reset-otp`, { token, method: 'POST', json: body });

const refusals = async (userId: string) =>
  (
    await sidecar.db.query<{ details: { refusal: string } }>(
      `select details from audit_log where target_user_id = $1 and result = 'refused' order by id`,
      [userId],
    )
  ).map((r) => r.details.refusal);

const refusedMetric = async (reason: string) => {
  const metric = await sidecar.metrics.registry.getSingleMetric('otp_sidecar_helpdesk_writes_refused_total')?.get();
  return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
};

useSidecarRealm({ enforcement: DISTANT_DEADLINE }, 'social', {
  populate: async () => {
    await allowEnrolmentAttribute(kc, target.realm);
    const realm = target.realm;
    for (const name of ['vera', 'owen']) ids[name] = await createTestUser(kc, realm, name, withPhone);
    for (let n = 1; n <= 25; n++) ids[`u${n}`] = await createTestUser(kc, realm, `u${n}`, withPhone);
    for (const name of ['sam', 'bea']) {
      ids[name] = await createTestUser(kc, realm, name, {
        credentials: [otpCredential('Staff phone', STAFF_OTP_SECRET)],
      });
      await grantRealmRoles(kc, realm, ids[name] as string, ['otp-helpdesk']);
    }
  },
  timeout: 60_000,
});
beforeAll(async () => {
  // Staff sign in with password and code: the helpdesk refuses a token without the second factor.
  for (const name of ['sam', 'bea'])
    tokens[name] = await staffBearerToken(kut.baseUrl, target.realm, name, passwordOf(name), STAFF_OTP_SECRET);
});

test('a caller without the mailbox cannot pass verification: wrong codes, then the right one too late', async () => {
  const vera = ids.vera as string;
  const sent = await jsonCall(`${sidecar.url}/api/v1/helpdesk/users/${vera}/verification`, {
    token: tokens.sam,
    method: 'POST',
  });
  expect(sent.status).toBe(202);
  expect(JSON.stringify(sent.body)).not.toMatch(/\b\d{6}\b(?!\d)/);
  // The attacker guesses; the real code sits in vera's mailbox, which he does not read.
  const mailed = await mail.waitFor((m) => m.to.includes('vera@example.org') && m.subject.includes('verification'));
  const real = /^\s+(\d{6})\s*$/m.exec(mailed.text)?.[1] as string;
  const guesses = ['000000', '123456', '111111', '999999', '424242'].filter((g) => g !== real);
  for (const code of guesses.slice(0, 5)) {
    const answer = await reset(vera, tokens.sam as string, { ...REQUEST, verification: { id: sent.body.id, code } });
    expect([answer.status, answer.body.error]).toEqual([403, 'verification_wrong']);
  }
  const lucky = await reset(vera, tokens.sam as string, { ...REQUEST, verification: { id: sent.body.id, code: real } });
  expect([lucky.status, lucky.body.error]).toEqual([403, 'verification_too_many_tries']);
  const none = await reset(vera, tokens.sam as string, REQUEST);
  expect([none.status, none.body.error]).toEqual([403, 'verification_required']);
  expect(await otpOf(vera)).toHaveLength(1);
  expect(await refusals(vera)).toEqual([
    ...Array(guesses.slice(0, 5).length).fill('verification_wrong'),
    'verification_too_many_tries',
    'verification_required',
  ]);
});

test('no ticket, a ticket in another format or a token reason: refused and audited', async () => {
  const owen = ids.owen as string;
  const token = tokens.sam as string;
  const noTicket = await reset(owen, token, { reason: REQUEST.reason });
  expect([noTicket.status, noTicket.body.error]).toEqual([400, 'ticket_required']);
  const badTicket = await reset(owen, token, { reason: REQUEST.reason, ticket: 'urgent' });
  expect([badTicket.status, badTicket.body.error]).toEqual([400, 'ticket_required']);
  const shortReason = await reset(owen, token, { reason: 'lost it', ticket: 'HD-1' });
  expect([shortReason.status, shortReason.body.error]).toEqual([400, 'reason_too_short']);
  expect(await refusals(owen)).toEqual(['ticket_required', 'ticket_required', 'reason_too_short']);
  expect(await otpOf(owen)).toHaveLength(1);
});

test('25 resets in a burst by one staff member: refused past the hourly limit, and the alert metric rises', async () => {
  const before = await refusedMetric('rate_limited');
  const answers = await Promise.all(
    Array.from({ length: 25 }, (_, n) => reset(ids[`u${n + 1}`] as string, tokens.bea as string, REQUEST)),
  );
  const limited = answers.filter((a) => a.status === 429);
  expect(limited).toHaveLength(15);
  expect(limited[0]?.body.error).toBe('rate_limited');
  expect(await refusedMetric('rate_limited')).toBe(before + 15);
  for (let n = 1; n <= 25; n++) expect(await otpOf(ids[`u${n}`] as string)).toHaveLength(1);
});

test('after a verified reset the password alone neither signs in nor enrols; the link does, proven by a sign-in', async () => {
  const owen = ids.owen as string;
  // The real owen reads the code back: the reset is legitimate.
  const proof = await verificationFor(sidecar.url, tokens.sam as string, mail, owen, 'owen@example.org');
  const done = await reset(owen, tokens.sam as string, { ...REQUEST, verification: proof });
  expect(done.status).toBe(200);
  const reused = await reset(owen, tokens.sam as string, { ...REQUEST, verification: proof });
  expect([reused.status, reused.body.error]).toEqual([403, 'verification_used']);
  expect(await otpOf(owen)).toEqual([]);

  // The attacker, who knows owen's password, signs in before owen opens his mail.
  const attacker = new LoginRobot();
  await attacker.open(accountConsoleLoginUrl(kut.baseUrl, target.realm));
  await attacker.submit({ username: 'owen', password: passwordOf('owen') });
  expect(attacker.page.html).not.toContain('name="totpSecret"');
  // No authorization code reached the application (the refusal page stays on Keycloak's login-actions).
  expect(attacker.page.url).not.toMatch(/[?&]code=/);
  expect(await otpOf(owen)).toEqual([]);

  // Owen uses the setup link from his mailbox.
  const setup = await mail.waitFor((m) => m.to.includes('owen@example.org') && m.subject === 'Update Your Account');
  const owner = new LoginRobot();
  await owner.open(linkIn(setup));
  if (!owner.page.html.includes('id="kc-totp-secret-qr-code"')) await owner.follow('Click here to proceed');
  const secret = secretOf(keyUriOnPage(owner));
  await owner.submit({ totp: await totpCode(secret), userLabel: 'New phone' });
  expect((await otpOf(owen)).map((c) => c.userLabel)).toEqual(['New phone']);
  // The new device ends the link-only state, so owen can prove it.
  await eventually(
    async () => (await kc.users.findOne({ realm: target.realm, id: owen }))?.attributes?.['otp-enrolment'],
    (value) => value === undefined,
  );
  // The owner's notice of the reset told him the step after the link.
  const notice = await mail.waitFor((m) => m.to.includes('owen@example.org') && m.text.includes('removed all'));
  expect(notice.text).toContain(`${sidecar.url}/recovery/complete`);
  // The device is bound to the helpdesk's request, pending until owen signs in with password and new phone.
  const request = () =>
    sidecar.db.query<{ pending: string | null; outcome: string | null }>(
      "select pending_credential_id as pending, outcome from recovery_requests where user_id = $1 and source = 'helpdesk'",
      [owen],
    );
  const [bound] = await eventually(request, (rows) => Boolean(rows[0]?.pending));
  const { heading } = await completeRecoveryByRobot(sidecar.url, {
    username: 'owen',
    password: passwordOf('owen'),
    // the next step's code: the one given at setup may not be taken twice (Keycloak looks one step ahead)
    code: () => totpCode(secret, 30),
    credentialId: bound?.pending as string,
  });
  expect(heading).toBe('Recovery complete');
  expect((await request())[0]?.outcome).toBe('kept');
  expect((await otpOf(owen)).map((c) => c.userLabel)).toEqual(['New phone']);
});
