/**
 * Issue 19, attack 4: a helpdesk member without the admin role (he holds `otp-helpdesk`, a valid session,
 * a ticket number) tries to remove the only device of realm admins whose `realm-management` role is not
 * mapped to them directly: one has it through a group, one through a composite realm role. Before, the
 * check read direct client-role mappings only, so the device went and the admin signed in with a password
 * alone. Now: refused (403 protected_target), nothing changed, the attempt audited as refused. A helpdesk
 * admin's write on such an account waits for a second helpdesk admin (four eyes); the asker cannot approve.
 */
import { allowEnrolmentAttribute, verificationFor } from '../support/helpdesk-verification.js';
import { jsonCall } from '../support/http-json.js';
import { DISTANT_DEADLINE, grantRealmRoles, STAFF_OTP_SECRET } from '../support/sidecar-realm.js';
import { kc, kut, mail, sidecar, target, useSidecarRealm } from '../support/sidecar-world.js';
import { staffBearerToken } from '../support/staff-sign-in.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A } from '../support/users.js';

const ids = { viaGroup: '', viaComposite: '', sam: '', ada: '', bob: '' };
const tokens = { sam: '', ada: '', bob: '' };

const realmManagementRole = async (realm: string, name: string) => {
  const [client] = await kc.clients.find({ realm, clientId: 'realm-management' });
  const role = await kc.clients.findRole({ realm, id: client?.id as string, roleName: name });
  return { clientUniqueId: client?.id as string, role: { id: role?.id as string, name } };
};

/** A realm admin by way of a group: the group holds realm-management's manage-users. */
const adminThroughGroup = async (realm: string, userId: string) => {
  const { id: groupId } = await kc.groups.create({ realm, name: 'it-admins' });
  const { clientUniqueId, role } = await realmManagementRole(realm, 'manage-users');
  await kc.groups.addClientRoleMappings({ realm, id: groupId, clientUniqueId, roles: [role] });
  await kc.users.addToGroup({ realm, id: userId, groupId });
};

/** A realm admin by way of a composite realm role that contains realm-management's realm-admin. */
const adminThroughComposite = async (realm: string, userId: string) => {
  await kc.roles.create({ realm, name: 'superuser' });
  const superuser = await kc.roles.findOneByName({ realm, name: 'superuser' });
  const { role } = await realmManagementRole(realm, 'realm-admin');
  await kc.roles.createComposite({ realm, roleId: superuser?.id as string }, [role]);
  await grantRealmRoles(kc, realm, userId, ['superuser']);
};

const otpOf = async (id: string) =>
  (await kc.users.getCredentials({ realm: target.realm, id })).filter((c) => c.type === 'otp');

const call = (path: string, token: string, json?: unknown) =>
  jsonCall(`${sidecar.url}/api/v1/helpdesk${path}`, { token, ...(json ? { method: 'POST', json } : {}) });

useSidecarRealm({ enforcement: DISTANT_DEADLINE }, 'privileged', {
  populate: async () => {
    await allowEnrolmentAttribute(kc, target.realm);
    const realm = target.realm;
    const withPhone = { credentials: [otpCredential('Admin phone', SECRET_A)] };
    ids.viaGroup = await createTestUser(kc, realm, 'groupadmin', withPhone);
    ids.viaComposite = await createTestUser(kc, realm, 'compositeadmin', withPhone);
    await adminThroughGroup(realm, ids.viaGroup);
    await adminThroughComposite(realm, ids.viaComposite);
    for (const name of ['sam', 'ada', 'bob'] as const)
      ids[name] = await createTestUser(kc, realm, name, {
        credentials: [otpCredential('Staff phone', STAFF_OTP_SECRET)],
      });
    await grantRealmRoles(kc, realm, ids.sam, ['otp-helpdesk']);
    await grantRealmRoles(kc, realm, ids.ada, ['otp-helpdesk', 'otp-helpdesk-admin']);
    await grantRealmRoles(kc, realm, ids.bob, ['otp-helpdesk', 'otp-helpdesk-admin']);
  },
});
beforeAll(async () => {
  // Staff sign in with password and code: the helpdesk refuses a token without the second factor.
  for (const name of ['sam', 'ada', 'bob'] as const)
    tokens[name] = await staffBearerToken(kut.baseUrl, target.realm, name, passwordOf(name), STAFF_OTP_SECRET);
});

const REQUEST = { reason: 'Admin says the phone is lost', ticket: 'HD-4242' };

test.each([
  ['a group', 'viaGroup'],
  ['a composite realm role', 'viaComposite'],
] as const)('a helpdesk member cannot remove the only device of a realm admin through %s', async (_, who) => {
  const [device] = await otpOf(ids[who]);
  const removal = await call(`/users/${ids[who]}/devices/${device?.id}/remove`, tokens.sam, REQUEST);
  expect(removal.status).toBe(403);
  expect(removal.body).toMatchObject({ error: 'protected_target' });
  const reset = await call(`/users/${ids[who]}/reset-otp`, tokens.sam, REQUEST);
  expect(reset.status).toBe(403);
  expect((await otpOf(ids[who])).map((c) => c.userLabel)).toEqual(['Admin phone']);
  const audited = await sidecar.db.query<{ action: string; result: string; actor_username: string; details: any }>(
    'select action, result, actor_username, details from audit_log where target_user_id = $1 order by id',
    [ids[who]],
  );
  expect(audited).toEqual([
    expect.objectContaining({ action: 'remove-device', result: 'refused', actor_username: 'sam' }),
    expect.objectContaining({ action: 'reset-otp', result: 'refused', actor_username: 'sam' }),
  ]);
  expect(audited.map((a) => a.details.refusal)).toEqual(['protected_target', 'protected_target']);
});

test('a helpdesk admin’s reset of such an account waits for a second admin; the asker cannot approve', async () => {
  const proof = await verificationFor(sidecar.url, tokens.ada, mail, ids.viaGroup, 'groupadmin@example.org');
  const asked = await call(`/users/${ids.viaGroup}/reset-otp`, tokens.ada, { ...REQUEST, verification: proof });
  expect(asked.status).toBe(202);
  expect(asked.body).toMatchObject({ result: 'pending-approval', approvalId: expect.any(Number) });
  expect(await otpOf(ids.viaGroup)).toHaveLength(1);
  const listed = await call('/approvals', tokens.bob);
  expect(listed.body.approvals).toEqual([
    expect.objectContaining({ id: asked.body.approvalId, requestedByUsername: 'ada', targetUsername: 'groupadmin' }),
  ]);
  expect(JSON.stringify(listed.body)).not.toContain(proof.code);

  const self = await call(`/approvals/${asked.body.approvalId}/approve`, tokens.ada, {});
  expect(self.status).toBe(403);
  expect(self.body.error).toBe('same_person');
  const bySam = await call(`/approvals/${asked.body.approvalId}/approve`, tokens.sam, {});
  expect(bySam.status).toBe(403);
  expect(await otpOf(ids.viaGroup)).toHaveLength(1);

  const approved = await call(`/approvals/${asked.body.approvalId}/approve`, tokens.bob, {});
  expect(approved.status).toBe(200);
  expect(await otpOf(ids.viaGroup)).toEqual([]);
  const [done] = await sidecar.db.query<{ actor_username: string; details: any }>(
    `select actor_username, details from audit_log where target_user_id = $1 and action = 'reset-otp' and result = 'ok'`,
    [ids.viaGroup],
  );
  expect(done).toMatchObject({
    actor_username: 'bob',
    details: { fourEyes: { requestedBy: 'ada', approvedBy: 'bob' }, verifiedBy: 'email-code' },
  });
  const again = await call(`/approvals/${asked.body.approvalId}/approve`, tokens.bob, {});
  expect(again.status).toBe(404);
});
