/**
 * Attack 1 of issue 19 — mailbox only, through the sidecar's /recovery. The attacker knows the victim's
 * username and reads the victim's mail (here: the SMTP server the test runs); he does not know the password.
 * Before: the link let him set a new password and his own OTP, and the sidecar then deleted the victim's
 * devices and ended their sessions — also for realm and helpdesk admins, and whatever
 * `requireCodeFromExistingDevice` said. Now: the link (default level `password-and-email`) only adds a
 * device, which waits for a fresh sign-in with the password; without it, it is removed when the window
 * passes and the victim is told, and the victim's device is never touched. Protected accounts get no link.
 */
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import type { Browser } from 'playwright-core';
import type { Sidecar } from '../../sidecar/src/main.js';
import { launchBrowser } from '../support/browser.js';
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest } from '../support/keycloak.js';
import { followRecoveryLink, recoveryEmailTo, requestRecovery } from '../support/recovery.js';
import { bootstrapRealm, DISTANT_DEADLINE, startTestSidecar, type TestRealm } from '../support/sidecar-realm.js';
import { linkIn, type MailCatcher, startMailCatcher } from '../support/smtp.js';
import { createTestUser, otpCredential, SECRET_A } from '../support/users.js';
import { eventually } from '../support/wait.js';

let kut: KeycloakUnderTest;
let kc: KcAdminClient;
let mail: MailCatcher;
let browser: Browser;
let target: TestRealm;
let sidecar: Sidecar;

const otpLabels = async (id: string) =>
  (await kc.users.getCredentials({ realm: target.realm, id }))
    .filter((c) => c.type === 'otp')
    .map((c) => c.userLabel)
    .sort();

beforeAll(async () => {
  [kut, mail, browser] = await Promise.all([startKeycloakUnderTest(), startMailCatcher(), launchBrowser()]);
  kc = await masterAdminClient(kut);
  target = await bootstrapRealm(kc, mail, { enforcement: DISTANT_DEADLINE }, 'mailbox', undefined, (realm) => {
    // The realm says lost phones go to the helpdesk; the sidecar's link must not be a way around it.
    realm.resetCredentialsFlow = { ...realm.resetCredentialsFlow, requireCodeFromExistingDevice: true };
  });
  sidecar = await startTestSidecar(kut, mail, target);
  await sidecar.firstPass;
}, 120_000);

afterAll(async () => {
  await sidecar?.close();
  await Promise.all([browser?.close(), mail?.close(), kut?.close()]);
});

test('the attacker adds his device through the link: the victim’s stays, his is removed when the window passes', async () => {
  const victim = await createTestUser(kc, target.realm, 'victor', {
    credentials: [otpCredential('Victor phone', SECRET_A)],
  });
  await sidecar.mirror.syncUser(victim);

  // The attacker asks for a recovery by username and reads the link in the victim's mailbox.
  expect((await requestRecovery(sidecar.url, 'victor')).status).toBe(202);
  const email = await recoveryEmailTo(mail, 'victor@example.org');
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(linkIn(email));
  // The link offers no new password (requireCodeFromExistingDevice is honoured): only a device.
  const offered = (await page.locator('body').textContent()) ?? '';
  expect(offered).toContain('Configure OTP');
  expect(offered).not.toContain('Update Password');
  await followRecoveryLink(page, linkIn(email), 'Attacker phone');
  await context.close();

  // The sidecar binds the attacker's device to the request, pending proof; nothing of the victim's goes.
  const bound = await eventually(
    () =>
      sidecar.db.query<{ id: string }>(
        'select id from recovery_requests where user_id = $1 and pending_credential_id is not null',
        [victim],
      ),
    (rows) => rows.length === 1,
  );
  await new Promise((r) => setTimeout(r, 3_000)); // several event polls and a housekeeping run
  expect(await otpLabels(victim)).toEqual(['Attacker phone', 'Victor phone']);

  // He cannot sign in without the password; the completion window passes (its clock moved on in the store).
  await sidecar.db.query(
    "update recovery_requests set pending_since = pending_since - interval '16 minutes' where id = $1",
    [bound[0]?.id ?? ''],
  );
  await sidecar.recovery.completePending();
  expect(await otpLabels(victim)).toEqual(['Victor phone']);
  const told = await mail.waitFor(
    (m) => m.to.includes('victor@example.org') && m.subject.startsWith('A recovery of your'),
  );
  expect(told.text).toContain('"Attacker phone"');
}, 90_000);

test('a realm admin (through a group) and a helpdesk admin (through a composite role) get no link', async () => {
  const management = (await kc.clients.find({ realm: target.realm, clientId: 'realm-management' }))[0];
  const realmAdmin = await kc.clients.findRole({
    realm: target.realm,
    id: management?.id as string,
    roleName: 'realm-admin',
  });
  const group = await kc.groups.create({ realm: target.realm, name: 'operators' });
  await kc.groups.addClientRoleMappings({
    realm: target.realm,
    id: group.id,
    clientUniqueId: management?.id as string,
    roles: [{ id: realmAdmin?.id as string, name: 'realm-admin' }],
  });
  const root = await createTestUser(kc, target.realm, 'root', { credentials: [otpCredential('Root phone', SECRET_A)] });
  await kc.users.addToGroup({ realm: target.realm, id: root, groupId: group.id });

  const helpdeskAdmin = await kc.roles.findOneByName({ realm: target.realm, name: 'otp-helpdesk-admin' });
  await kc.roles.create({ realm: target.realm, name: 'team-lead' });
  const lead = await kc.roles.findOneByName({ realm: target.realm, name: 'team-lead' });
  await kc.roles.createComposite({ realm: target.realm, roleId: lead?.id as string }, [
    { id: helpdeskAdmin?.id as string, name: 'otp-helpdesk-admin' },
  ]);
  const leader = await createTestUser(kc, target.realm, 'leader', {
    credentials: [otpCredential('Lead phone', SECRET_A)],
  });
  await kc.users.addRealmRoleMappings({
    realm: target.realm,
    id: leader,
    roles: [{ id: lead?.id as string, name: 'team-lead' }],
  });

  for (const identifier of ['root', 'leader@example.org'])
    expect((await requestRecovery(sidecar.url, identifier)).status).toBe(202);
  // Requests are handled in order: the mail for a plain user after them marks that they were handled.
  await createTestUser(kc, target.realm, 'plain');
  await requestRecovery(sidecar.url, 'plain');
  await recoveryEmailTo(mail, 'plain@example.org');
  expect(mail.messages.filter((m) => m.to.includes('root@example.org') || m.to.includes('leader@example.org'))).toEqual(
    [],
  );
}, 60_000);
