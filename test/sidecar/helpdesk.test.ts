/**
 * The helpdesk API through real HTTP: forged, foreign, expired and role-less tokens are refused; staff
 * find users and see their devices (never a secret); removing a device and resetting OTP need a reason,
 * change Keycloak, leave exactly one audit row and one owner email; own, staff and admin accounts are
 * protected; the audit log is append-only and exportable.
 */
import { createHmac } from 'node:crypto';
import { allowEnrolmentAttribute, verificationFor } from '../support/helpdesk-verification.js';
import { b64, jsonCall } from '../support/http-json.js';
import { uniqueName } from '../support/keycloak.js';
import { DISTANT_DEADLINE, grantRealmRoles, realmToken, STAFF_OTP_SECRET } from '../support/sidecar-realm.js';
import { kc, kut, mail, sidecar, target, useSidecarRealm } from '../support/sidecar-world.js';
import { staffBearerToken } from '../support/staff-sign-in.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A, SECRET_B } from '../support/users.js';
import { eventually } from '../support/wait.js';

let staffToken: string;
let adminToken: string;
const ids = { sam: '', ada: '', una: '', vic: '', colleague: '' };

const grantRoles = (userId: string, names: string[]) => grantRealmRoles(kc, target.realm, userId, names);

const call = (path: string, token: string | undefined, init: { method?: string; json?: unknown } = {}) =>
  jsonCall(`${sidecar.url}/api/v1/helpdesk${path}`, { token, ...init });

/** The audit rows of changes done (refusals and code requests are audited too, and tested apart). */
const auditRows = async (targetId: string) =>
  sidecar.db.query<{ action: string; result: string; reason: string; actor_username: string }>(
    `select action, result, reason, actor_username from audit_log
      where target_user_id = $1 and result <> 'refused' and action <> 'verification' order by id`,
    [targetId],
  );

const verified = (userId: string, email: string, token = staffToken) =>
  verificationFor(sidecar.url, token, mail, userId, email);

useSidecarRealm(
  { enforcement: DISTANT_DEADLINE, helpdesk: { fourEyesForProtected: false, writesPerStaffPerHour: 100 } },
  'helpdesk',
  {
    populate: async () => {
      await allowEnrolmentAttribute(kc, target.realm);
      // Staff sign in with password and code: the helpdesk takes no token without the second factor (issue 19).
      ids.sam = await createTestUser(kc, target.realm, 'sam', {
        credentials: [otpCredential('Staff phone', STAFF_OTP_SECRET)],
      });
      ids.ada = await createTestUser(kc, target.realm, 'ada', {
        credentials: [otpCredential('Staff phone', STAFF_OTP_SECRET)],
      });
      ids.una = await createTestUser(kc, target.realm, 'una', {
        credentials: [otpCredential('Pixel 8', SECRET_A), otpCredential('Old iPhone', SECRET_B)],
      });
      ids.vic = await createTestUser(kc, target.realm, 'vic', { credentials: [otpCredential('Phone', SECRET_A)] });
      ids.colleague = await createTestUser(kc, target.realm, 'colleague', {
        credentials: [otpCredential('Work phone', SECRET_A)],
      });
      await grantRoles(ids.sam, ['otp-helpdesk']);
      await grantRoles(ids.ada, ['otp-helpdesk', 'otp-helpdesk-admin']);
      await grantRoles(ids.colleague, ['otp-helpdesk']);
    },
  },
);
beforeAll(async () => {
  [staffToken, adminToken] = await Promise.all([
    staffBearerToken(kut.baseUrl, target.realm, 'sam', passwordOf('sam'), STAFF_OTP_SECRET),
    staffBearerToken(kut.baseUrl, target.realm, 'ada', passwordOf('ada'), STAFF_OTP_SECRET),
  ]);
});

describe('who may call', () => {
  test('no token, forged tokens, a foreign realm, an unlisted client and a missing role are refused', async () => {
    const [header, payload] = staffToken.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const kid = JSON.parse(Buffer.from(header, 'base64url').toString()).kid;
    const jwks: any = await (await fetch(`${kut.baseUrl}/realms/${target.realm}/protocol/openid-connect/certs`)).json();
    const { createPublicKey } = await import('node:crypto');
    const pem = createPublicKey({ key: jwks.keys.find((k: { kid: string }) => k.kid === kid), format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const unsigned = `${b64({ alg: 'none', typ: 'JWT', kid })}.${b64(claims)}.`;
    const hsInput = `${b64({ alg: 'HS256', typ: 'JWT', kid })}.${b64(claims)}`;
    const hsWithPublicKey = `${hsInput}.${createHmac('sha256', pem).update(hsInput).digest('base64url')}`;
    const tampered = `${header}.${b64({ ...claims, realm_access: { roles: ['otp-helpdesk', 'otp-helpdesk-admin'] } })}.${staffToken.split('.')[2]}`;
    const expired = `${header}.${b64({ ...claims, exp: 1 })}.${staffToken.split('.')[2]}`;

    const otherRealm = uniqueName('foreign');
    await kc.realms.create({ realm: otherRealm, enabled: true });
    await createTestUser(kc, otherRealm, 'sam');
    const foreign = await realmToken(kut, otherRealm, 'sam', passwordOf('sam'));
    await kc.clients.create({
      realm: target.realm,
      clientId: 'other-app',
      publicClient: true,
      directAccessGrantsEnabled: true,
    });
    const otherClient: any = await (
      await fetch(`${kut.baseUrl}/realms/${target.realm}/protocol/openid-connect/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: 'other-app',
          username: 'sam',
          password: passwordOf('sam'),
        }),
      })
    ).json();
    const plain = await realmToken(kut, target.realm, 'una', passwordOf('una'));

    for (const token of [
      undefined,
      'garbage',
      unsigned,
      hsWithPublicKey,
      tampered,
      expired,
      foreign,
      otherClient.access_token,
    ]) {
      const response = await call('/users?search=una', token);
      expect([token?.slice(0, 20), response.status]).toEqual([token?.slice(0, 20), 401]);
      expect(response.body).toMatchObject({ error: 'unauthorized' });
    }
    const noRole = await call('/users?search=una', plain);
    expect(noRole.status).toBe(403);
    expect(noRole.body).toEqual({ error: 'forbidden', message: 'The realm role otp-helpdesk is required' });
    await kc.realms.del({ realm: otherRealm });
  });

  test('a token that expired is refused', async () => {
    await kc.realms.update({ realm: target.realm }, { accessTokenLifespan: 1 });
    const shortLived = await staffBearerToken(kut.baseUrl, target.realm, 'sam', passwordOf('sam'), STAFF_OTP_SECRET);
    await kc.realms.update({ realm: target.realm }, { accessTokenLifespan: 300 });
    await new Promise((r) => setTimeout(r, 2_100));
    expect((await call('/users?search=una', shortLived)).status).toBe(401);
  });
});

describe('staff at work', () => {
  test('find a user and see their devices, without secrets', async () => {
    const found = await call('/users?search=una', staffToken);
    expect(found.status).toBe(200);
    expect(found.body.users.map((u: { username: string }) => u.username)).toEqual(['una']);
    const view = await call(`/users/${ids.una}`, staffToken);
    expect(view.body.user).toMatchObject({ username: 'una', email: 'una@example.org', totp: true });
    expect(view.body.live.map((d: { label: string }) => d.label).sort()).toEqual(['Old iPhone', 'Pixel 8']);
    expect(view.body.devices.map((d: { label: string }) => d.label).sort()).toEqual(['Old iPhone', 'Pixel 8']);
    expect(JSON.stringify(view.body)).not.toContain(SECRET_A);
    expect(JSON.stringify(view.body)).not.toContain('secretData');
  });

  test('removing one device needs a ticket, a reason and a verified caller; then Keycloak, the audit log and the owner agree', async () => {
    const view = await call(`/users/${ids.una}`, staffToken);
    const oldPhone = view.body.live.find((d: { label: string }) => d.label === 'Old iPhone');
    const noReason = await call(`/users/${ids.una}/devices/${oldPhone.id}/remove`, staffToken, {
      method: 'POST',
      json: {},
    });
    expect(noReason.status).toBe(400);
    const unverified = await call(`/users/${ids.una}/devices/${oldPhone.id}/remove`, staffToken, {
      method: 'POST',
      json: { reason: 'Phone stolen, ticket by phone', ticket: 'HD-1234' },
    });
    expect(unverified.status).toBe(403);
    expect(unverified.body.error).toBe('verification_required');
    expect(await auditRows(ids.una)).toEqual([]);

    const done = await call(`/users/${ids.una}/devices/${oldPhone.id}/remove`, staffToken, {
      method: 'POST',
      json: {
        reason: 'Phone stolen, ticket by phone',
        ticket: 'HD-1234',
        verification: await verified(ids.una, 'una@example.org'),
      },
    });
    expect(done.status).toBe(200);
    const left = (await kc.users.getCredentials({ realm: target.realm, id: ids.una })).filter((c) => c.type === 'otp');
    expect(left.map((c) => c.userLabel)).toEqual(['Pixel 8']);
    expect(await auditRows(ids.una)).toEqual([
      { action: 'remove-device', result: 'ok', reason: 'Phone stolen, ticket by phone', actor_username: 'sam' },
    ]);
    const notice = await mail.waitFor(
      (m) => m.to.includes('una@example.org') && m.subject.startsWith('A change to the sign-in'),
    );
    expect(notice.text).toContain('removed the authenticator "Old iPhone"');
    expect(notice.text).toContain('Reason given: Phone stolen, ticket by phone');
    const mirrored = await call(`/users/${ids.una}`, staffToken);
    expect(mirrored.body.devices.find((d: { label: string }) => d.label === 'Old iPhone')).toMatchObject({
      removedReason: 'removed by the helpdesk',
    });
    const unknown = await call(`/users/${ids.una}/devices/not-a-device/remove`, staffToken, {
      method: 'POST',
      json: {
        reason: 'checking the 404 answer',
        ticket: 'HD-1235',
        verification: await verified(ids.una, 'una@example.org'),
      },
    });
    expect(unknown.status).toBe(404);
  });

  test('reset OTP removes every device, marks the account link-only, ends sessions and sends the setup link', async () => {
    await realmToken(kut, target.realm, 'vic', passwordOf('vic')); // a session to end
    expect((await kc.users.listSessions({ realm: target.realm, id: ids.vic })).length).toBeGreaterThan(0);
    const done = await call(`/users/${ids.vic}/reset-otp`, staffToken, {
      method: 'POST',
      json: {
        reason: 'Lost phone, identity checked in person',
        ticket: 'HD-2000',
        verification: await verified(ids.vic, 'vic@example.org'),
      },
    });
    expect(done.status).toBe(200);
    const user = await kc.users.findOne({ realm: target.realm, id: ids.vic });
    expect(user?.totp).toBe(false);
    // No standing password-only enrolment: the link in the email is the only way to a new device.
    expect(user?.requiredActions ?? []).not.toContain('CONFIGURE_TOTP');
    expect(user?.attributes?.['otp-enrolment']).toEqual(['link-only']);
    expect(await kc.users.listSessions({ realm: target.realm, id: ids.vic })).toEqual([]);
    expect(await auditRows(ids.vic)).toEqual([
      { action: 'reset-otp', result: 'ok', reason: 'Lost phone, identity checked in person', actor_username: 'sam' },
    ]);
    await mail.waitFor((m) => m.to.includes('vic@example.org') && m.subject === 'Update Your Account');
    // The link is bound to a recovery request of the helpdesk: its device waits for proof at /recovery/complete.
    const [request] = await sidecar.db.query<{ source: string; level: string; outcome: string | null }>(
      'select source, level, outcome from recovery_requests where user_id = $1',
      [ids.vic],
    );
    expect(request).toEqual({ source: 'helpdesk', level: 'password-and-email', outcome: null });
    const notices = await eventually(
      async () =>
        mail.messages.filter(
          (m) => m.to.includes('vic@example.org') && m.subject.startsWith('A change to the sign-in'),
        ),
      (m) => m.length > 0,
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain('/recovery/complete with your password and a code from the new authenticator');
  });

  test('a setup link goes only to a verified address: otherwise refused, audited, nothing sent', async () => {
    const id = await createTestUser(kc, target.realm, 'wes', { extra: { emailVerified: false } });
    const sent = mail.messages.length;
    const refused = await call(`/users/${id}/send-setup-email`, staffToken, {
      method: 'POST',
      json: { reason: 'New starter asked for a setup link', ticket: 'HD-2001' },
    });
    expect([refused.status, refused.body.error]).toEqual([409, 'no_verified_email']);
    const rows = await sidecar.db.query<{ action: string; result: string }>(
      'select action, result from audit_log where target_user_id = $1',
      [id],
    );
    expect(rows).toEqual([{ action: 'send-setup-email', result: 'refused' }]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mail.messages.slice(sent).filter((m) => m.to.includes('wes@example.org'))).toEqual([]);
    expect(await sidecar.db.query('select 1 from recovery_requests where user_id = $1', [id])).toEqual([]);
  });

  test('own, staff and admin accounts are protected unless the caller is a helpdesk admin', async () => {
    const own = await call(`/users/${ids.sam}/reset-otp`, staffToken, {
      method: 'POST',
      json: { reason: 'my own reset, please', ticket: 'HD-3000' },
    });
    expect(own.status).toBe(403);
    expect(own.body.message).toBe('You cannot change your own sign-in through the helpdesk');
    const staff = await call(`/users/${ids.colleague}/reset-otp`, staffToken, {
      method: 'POST',
      json: { reason: 'colleague asked for it', ticket: 'HD-3001' },
    });
    expect(staff.status).toBe(403);
    expect(staff.body.error).toBe('protected_target');
    expect(staff.body.message).toBe('Only holders of otp-helpdesk-admin may change a staff or admin account');
    expect(await auditRows(ids.colleague)).toEqual([]);
    const byAdmin = await call(`/users/${ids.colleague}/reset-otp`, adminToken, {
      method: 'POST',
      json: {
        reason: 'colleague asked for it',
        ticket: 'HD-3002',
        verification: await verified(ids.colleague, 'colleague@example.org', adminToken),
      },
    });
    expect(byAdmin.status).toBe(200);
    expect((await auditRows(ids.colleague)).map((r) => r.actor_username)).toEqual(['ada']);
  });

  test('the audit log is listed, filtered, exported, and cannot be changed', async () => {
    type Entry = { action: string; result: string; details?: Record<string, unknown> };
    const all = await call('/audit?max=100', staffToken);
    const done = all.body.entries.filter((e: Entry) => e.result === 'ok' && e.action !== 'verification');
    expect(done.map((e: Entry) => e.action)).toEqual(['reset-otp', 'reset-otp', 'remove-device']);
    expect(done.map((e: Entry) => e.details?.verifiedBy)).toEqual(['email-code', 'email-code', 'email-code']);
    // Refused attempts are in the trail too: no ticket, no verification, protected target, own account.
    const refusals = all.body.entries
      .filter((e: Entry) => e.result === 'refused')
      .map((e: Entry) => e.details?.refusal);
    expect(refusals).toEqual(
      expect.arrayContaining(['ticket_required', 'verification_required', 'protected_target', 'forbidden']),
    );
    const mine = await call('/audit?actor=ada&action=reset-otp', staffToken);
    expect(mine.body.entries).toHaveLength(1);
    const forUna = await call(`/users/${ids.una}/audit?action=remove-device`, staffToken);
    expect(forUna.body.entries.filter((e: Entry) => e.result === 'ok')).toEqual([
      expect.objectContaining({ action: 'remove-device', ticket: 'HD-1234', targetUsername: 'una' }),
    ]);
    const csv = await call('/audit?format=csv', staffToken);
    const lines = String(csv.body).trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actorUsername,action,targetUsername,credentialId,reason,ticket,result');
    expect(lines).toHaveLength(all.body.entries.length + 1);
    await expect(sidecar.db.query("update audit_log set reason = 'rewritten'")).rejects.toThrow('append-only');
    await expect(sidecar.db.query('delete from audit_log')).rejects.toThrow('append-only');
  });
});

test('an enforcement pass on demand needs the helpdesk admin role and reports what it did', async () => {
  const url = `${sidecar.url}/api/v1/compliance/reconcile`;
  expect((await jsonCall(url, { token: staffToken, method: 'POST' })).status).toBe(403);
  const run = await jsonCall(url, { token: adminToken, method: 'POST' });
  expect(run.status).toBe(200);
  expect(run.body.report).toMatchObject({ scanned: expect.any(Number), adminWrites: 0, dryRun: false });
  expect(run.body.report.scanned).toBeGreaterThanOrEqual(5);
});
