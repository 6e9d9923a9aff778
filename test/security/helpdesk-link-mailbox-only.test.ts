/**
 * Issue 19, the mailbox and one fooled helpdesk member (found by the takeover model). The attacker knows the
 * victim's username and reads the victim's mail, not the password. He calls the helpdesk as the victim; an
 * honest staff member follows the process: a ticket and a reason, the code mailed to the account's verified
 * address read back (the attacker reads it), the only device removed and the setup link sent. Before: the
 * link's device bound to nothing and needed no password — the attacker's phone became the account's second
 * factor. Now: the link's device waits for a sign-in with the password and that device at /recovery/complete;
 * without it, it is removed when the window passes, the victim is told, and the account is link-only again.
 */
import { keyUriOnPage, secretOf, totpCode } from '../emulator/kc26-flows-lab.js';
import { allowEnrolmentAttribute, verificationFor } from '../support/helpdesk-verification.js';
import { jsonCall } from '../support/http-json.js';
import { LoginRobot } from '../support/login-robot.js';
import { completeRecoveryByRobot } from '../support/recovery.js';
import { DISTANT_DEADLINE, grantRealmRoles, STAFF_OTP_SECRET } from '../support/sidecar-realm.js';
import { kc, kut, mail, sidecar, target, useSidecarRealm } from '../support/sidecar-world.js';
import { linkIn } from '../support/smtp.js';
import { staffBearerToken } from '../support/staff-sign-in.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A } from '../support/users.js';
import { eventually } from '../support/wait.js';

const ids: Record<string, string> = {};
let staffToken = '';

const otpLabels = async (id: string) =>
  (await kc.users.getCredentials({ realm: target.realm, id })).filter((c) => c.type === 'otp').map((c) => c.userLabel);

useSidecarRealm({ enforcement: DISTANT_DEADLINE }, 'hdlink', {
  populate: async () => {
    await allowEnrolmentAttribute(kc, target.realm);
    ids.vicky = await createTestUser(kc, target.realm, 'vicky', {
      credentials: [otpCredential('Vicky phone', SECRET_A)],
    });
    ids.sam = await createTestUser(kc, target.realm, 'sam', {
      credentials: [otpCredential('Staff phone', STAFF_OTP_SECRET)],
    });
    await grantRealmRoles(kc, target.realm, ids.sam, ['otp-helpdesk']);
  },
  timeout: 60_000,
});
beforeAll(async () => {
  staffToken = await staffBearerToken(kut.baseUrl, target.realm, 'sam', passwordOf('sam'), STAFF_OTP_SECRET);
});

test('mailbox only + an honest helpdesk member: the attacker’s phone is never kept, and the victim is told', async () => {
  const vicky = ids.vicky as string;
  const phone = (await kc.users.getCredentials({ realm: target.realm, id: vicky })).find((c) => c.type === 'otp');
  await sidecar.mirror.syncUser(vicky);

  // The attacker calls as vicky; staff mail a code to her verified address, he reads it in her mailbox.
  const proof = await verificationFor(sidecar.url, staffToken, mail, vicky, 'vicky@example.org');
  const removed = await jsonCall(`${sidecar.url}/api/v1/helpdesk/users/${vicky}/devices/${phone?.id}/remove`, {
    token: staffToken,
    method: 'POST',
    json: { reason: 'Caller says the phone was stolen', ticket: 'HD-7001', verification: proof },
  });
  expect(removed.status).toBe(200);
  expect(await otpLabels(vicky)).toEqual([]);

  // He opens the setup link from her mailbox and sets up his own phone.
  const link = await mail.waitFor((m) => m.to.includes('vicky@example.org') && m.subject === 'Update Your Account');
  const attacker = new LoginRobot();
  await attacker.open(linkIn(link));
  if (!attacker.page.html.includes('id="kc-totp-secret-qr-code"')) await attacker.follow('Click here to proceed');
  const secret = secretOf(keyUriOnPage(attacker));
  await attacker.submit({ totp: await totpCode(secret), userLabel: 'Attacker phone' });
  expect(await otpLabels(vicky)).toEqual(['Attacker phone']);

  // The sidecar binds it to the helpdesk's request: pending, not kept.
  const request = () =>
    sidecar.db.query<{ id: string; pending: string | null; proven: string | null; outcome: string | null }>(
      `select id, pending_credential_id as pending, proven_at as proven, outcome from recovery_requests
        where user_id = $1 and source = 'helpdesk'`,
      [vicky],
    );
  const [bound] = await eventually(request, (rows) => Boolean(rows[0]?.pending));

  // He tries to confirm it at /recovery/complete; he does not know the password, so nothing is proven.
  const { heading } = await completeRecoveryByRobot(sidecar.url, {
    username: 'vicky',
    password: 'a guess',
    code: () => totpCode(secret, 30),
    credentialId: bound?.pending as string,
  });
  expect(heading).toBe('');
  expect((await request())[0]?.proven).toBeNull();

  // The completion window passes (its clock moved on in the store): his phone goes, vicky is told.
  await sidecar.db.query(
    "update recovery_requests set pending_since = pending_since - interval '16 minutes' where id = $1",
    [bound?.id ?? ''],
  );
  await sidecar.recovery.completePending();
  expect(await otpLabels(vicky)).toEqual([]);
  expect((await request())[0]?.outcome).toBe('expired');
  const told = await mail.waitFor(
    (m) => m.to.includes('vicky@example.org') && m.subject.startsWith('A recovery of your'),
  );
  expect(told.text).toContain('"Attacker phone"');
  expect(told.text).toContain('ask your helpdesk for a new setup link');
  // Back to link-only: the password alone neither signs in nor enrols; the helpdesk can send another link.
  const user = await kc.users.findOne({ realm: target.realm, id: vicky });
  expect(user?.attributes?.['otp-enrolment']).toEqual(['link-only']);
}, 90_000);
