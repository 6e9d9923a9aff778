/**
 * OTP enforcement end to end: a realm of a few hundred users in several groups is bootstrapped by the
 * admin scripts, the sidecar runs against it, and the results are read back through the admin client,
 * the compliance API and a real SMTP server.
 */
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import type { Sidecar } from '../../sidecar/src/main.js';
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest } from '../support/keycloak.js';
import { bootstrapRealm, helpdeskToken, realmToken, startTestSidecar } from '../support/sidecar-realm.js';
import { type MailCatcher, startMailCatcher } from '../support/smtp.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A } from '../support/users.js';

let kut: KeycloakUnderTest;
let kc: Awaited<ReturnType<typeof masterAdminClient>>;
let mail: MailCatcher;
const DAY = 86_400_000;

const otp = otpCredential('Phone', SECRET_A);

interface Population {
  realm: string;
  dir: string;
  expected: { marked: Set<string>; untouched: Set<string> };
}

/**
 * A realm bootstrapped from realm-config/demo with the given sidecar policy, and users:
 * - staff/it and staff/research members (in scope), some with OTP, some with UPDATE_PASSWORD pending;
 * - students (exempt), disabled staff, and users outside every group (out of scope when scoped).
 */
const createPopulation = async (enforcement: Record<string, unknown>, size = 300): Promise<Population> => {
  const { realm, dir } = await bootstrapRealm(kc, mail, { enforcement }, 'enforce');

  const users: UserRepresentation[] = [];
  const marked = new Set<string>();
  const untouched = new Set<string>();
  for (let i = 0; i < size; i++) {
    const username = `user${String(i).padStart(4, '0')}`;
    const kind = i % 10;
    const group = kind < 4 ? '/staff/it' : kind < 7 ? '/staff/research' : kind === 7 ? '/students' : undefined;
    const hasOtp = kind === 1 || kind === 5;
    const disabled = kind === 3 && i % 20 === 3;
    const otherAction = kind === 2 || kind === 6;
    users.push({
      username,
      email: `${username}@example.org`,
      firstName: 'User',
      lastName: String(i),
      enabled: !disabled,
      emailVerified: true,
      credentials: [{ type: 'password', value: `${username}-pw`, temporary: false }, ...(hasOtp ? [otp] : [])] as never,
      requiredActions: otherAction ? ['UPDATE_PASSWORD'] : [],
      ...(group ? { groups: [group] } : {}),
    });
    const inScope = enforcement.scope === 'all' || group?.startsWith('/staff');
    const exempt = Boolean(group && (enforcement.exempt as { groups?: string[] } | undefined)?.groups?.includes(group));
    if (inScope && !exempt && !hasOtp && !disabled) marked.add(username);
    else untouched.add(username);
  }
  await kc.groups
    .create({ realm, name: 'staff' })
    .then(({ id }) =>
      Promise.all(['it', 'research'].map((name) => kc.groups.createChildGroup({ realm, id }, { name }))),
    );
  await kc.groups.create({ realm, name: 'students' });
  await kc.realms.partialImport({ realm, rep: { ifResourceExists: 'FAIL', users } as never });
  return { realm, dir, expected: { marked, untouched } };
};

const sidecarFor = (population: Population, extra: Record<string, string> = {}) =>
  startTestSidecar(kut, mail, population, extra);

const allUsers = async (realm: string) => {
  const out: UserRepresentation[] = [];
  for (let first = 0; ; first += 100) {
    const page = await kc.users.find({ realm, first, max: 100, briefRepresentation: false });
    out.push(...page);
    if (page.length < 100) return out;
  }
};

const userUpdates = async (realm: string) =>
  (await kc.realms.findAdminEvents({ realm, operationTypes: 'UPDATE', resourceTypes: 'USER', max: 10_000 } as never))
    .length;

beforeAll(async () => {
  [kut, mail] = await Promise.all([startKeycloakUnderTest(), startMailCatcher()]);
  kc = await masterAdminClient(kut);
});
afterAll(async () => {
  await Promise.all([mail?.close(), kut?.close()]);
});

describe('after the deadline', () => {
  let population: Population;
  let sidecar: Sidecar;

  beforeAll(async () => {
    population = await createPopulation({
      scope: { groups: ['/staff'] },
      exempt: { groups: ['/students'], roles: [] },
      deadline: new Date(Date.now() - 30 * DAY).toISOString(),
      newUserGraceDays: 0,
      reminders: { enabled: false },
    });
    sidecar = await sidecarFor(population);
    await sidecar.firstPass;
  });
  afterAll(() => sidecar?.close());

  test('exactly the required users without OTP get CONFIGURE_TOTP; other actions are kept', async () => {
    const users = await allUsers(population.realm);
    const withSetup = users.filter((u) => u.requiredActions?.includes('CONFIGURE_TOTP')).map((u) => u.username);
    expect(new Set(withSetup)).toEqual(population.expected.marked);
    expect(population.expected.marked.size).toBeGreaterThan(50);
    for (const user of users) {
      if (Number(user.username?.slice(4)) % 10 === 2 || Number(user.username?.slice(4)) % 10 === 6)
        expect(user.requiredActions).toEqual(
          population.expected.marked.has(user.username as string)
            ? ['UPDATE_PASSWORD', 'CONFIGURE_TOTP']
            : ['UPDATE_PASSWORD'],
        );
    }
    // The service account is never touched.
    const [client] = await kc.clients.find({ realm: population.realm, clientId: 'otp-sidecar' });
    const account = await kc.clients.getServiceAccountUser({ realm: population.realm, id: client?.id as string });
    expect(account.requiredActions ?? []).toEqual([]);
  });

  test('a second pass makes no admin writes', async () => {
    const before = await userUpdates(population.realm);
    const report = await sidecar.runEnforcement();
    expect(report).toMatchObject({
      adminWrites: 0,
      markedForSetup: 0,
      // service accounts are not listed among users, as in Keycloak
      scanned: population.expected.marked.size + population.expected.untouched.size,
    });
    expect(await userUpdates(population.realm)).toBe(before);
  });

  test('a new user is marked within seconds', async () => {
    const { id } = await kc.users.create({
      realm: population.realm,
      username: 'late-joiner',
      enabled: true,
      email: 'late@example.org',
      groups: ['/staff/research'],
    });
    const deadline = Date.now() + 15_000;
    let actions: string[] = [];
    while (Date.now() < deadline) {
      actions = (await kc.users.findOne({ realm: population.realm, id }))?.requiredActions ?? [];
      if (actions.includes('CONFIGURE_TOTP')) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(actions).toEqual(['CONFIGURE_TOTP']);
  });

  test('the compliance API reports counts and the missing users, to helpdesk staff only', async () => {
    const realm = population.realm;
    const api = (path: string, token?: string) =>
      fetch(`${sidecar.url}/api/v1/compliance${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

    expect((await api('')).status).toBe(401);
    await createTestUser(kc, realm, 'plain');
    const forbidden = await api('', await realmToken(kut, realm, 'plain', passwordOf('plain')));
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ error: 'forbidden', message: 'The realm role otp-helpdesk is required' });
    const token = await helpdeskToken(kc, kut, realm);

    await sidecar.runEnforcement();
    const missing = [...population.expected.marked, 'late-joiner'].sort(); // with the new user of the test above
    const response = await api('?first=0&max=10', token);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      counts: Record<string, number>;
      users: { username: string; pending: boolean }[];
    };
    expect(body.counts.missing).toBe(missing.length);
    expect(body.counts.pending).toBe(missing.length);
    expect(body.users).toHaveLength(10);
    expect(body.users.map((u) => u.username)).toEqual(missing.slice(0, 10));

    const csv = await (await api('?format=csv', token)).text();
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('user_id,username,email,deadline,status');
    expect(lines).toHaveLength(missing.length + 1);

    const bad = await api('?max=100000', token);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'bad_request' });

    const metrics = await (await fetch(`${sidecar.managementUrl}/metrics`)).text();
    expect(metrics).toContain(`otp_sidecar_users_pending ${missing.length}`);
    expect((await fetch(`${sidecar.url}/readyz`)).status).toBe(200);
  });

  // Issue 19: staff act on others' second factor, so no exempt group lets them skip their own.
  test('helpdesk staff in an exempt group stay required, whether the role is theirs or their group’s', async () => {
    const realm = population.realm;
    const byPath = async (path: string) => (await kc.groups.find({ realm, search: path.split('/').pop() }))[0];
    const staffIt = (await kc.groups.listSubGroups({ realm, parentId: (await byPath('/staff'))?.id as string })).find(
      (g) => g.name === 'it',
    );
    const students = await byPath('/students');
    const helpers = await kc.groups.createChildGroup({ realm, id: students?.id as string }, { name: 'helpers' });
    const role = await kc.roles.findOneByName({ realm, name: 'otp-helpdesk' });
    await kc.groups.addRealmRoleMappings({
      realm,
      id: helpers.id,
      roles: [{ id: role?.id as string, name: 'otp-helpdesk' }],
    });
    const join = async (name: string, groups: string[], staffRole: boolean) => {
      const id = await createTestUser(kc, realm, name);
      for (const groupId of groups) await kc.users.addToGroup({ realm, id, groupId });
      if (staffRole)
        await kc.users.addRealmRoleMappings({ realm, id, roles: [{ id: role?.id as string, name: 'otp-helpdesk' }] });
      return id;
    };
    const direct = await join('ta-direct', [staffIt?.id as string, students?.id as string], true);
    const viaGroup = await join('ta-group', [staffIt?.id as string, helpers.id], false);
    const student = await join('ta-plain', [staffIt?.id as string, students?.id as string], false);
    await sidecar.runEnforcement();
    const actions = async (id: string) => (await kc.users.findOne({ realm, id }))?.requiredActions ?? [];
    expect(await actions(direct)).toContain('CONFIGURE_TOTP');
    expect(await actions(viaGroup)).toContain('CONFIGURE_TOTP');
    expect(await actions(student)).not.toContain('CONFIGURE_TOTP');
  });
});

describe('before the deadline', () => {
  test('users without OTP get one reminder, delivered over SMTP, and no setup action yet', async () => {
    const population = await createPopulation(
      {
        scope: 'all',
        exempt: { groups: ['/students'], roles: [] },
        deadline: new Date(Date.now() + 7 * DAY).toISOString(),
        newUserGraceDays: 0,
        reminders: { enabled: true, startDaysBefore: 14, intervalDays: 3 },
      },
      40,
    );
    const sidecar = await sidecarFor(population);
    try {
      await sidecar.firstPass;
      const users = await allUsers(population.realm);
      expect(users.filter((u) => u.requiredActions?.includes('CONFIGURE_TOTP'))).toEqual([]);
      const expected = [...population.expected.marked].map((u) => `${u}@example.org`).sort();
      const received = () =>
        mail.messages
          .filter((m) => m.subject.startsWith('Set up two-factor authentication before'))
          .flatMap((m) => m.to)
          .filter((to) => expected.includes(to));
      const until = Date.now() + 20_000;
      while (received().length < expected.length && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      expect(received().sort()).toEqual(expected);
      // Another pass within the interval sends nothing more.
      const report = await sidecar.runEnforcement();
      expect(report?.remindersQueued).toBe(0);
      await new Promise((r) => setTimeout(r, 6_000));
      expect(received()).toHaveLength(expected.length);
    } finally {
      await sidecar.close();
    }
  });
});

describe('dry run', () => {
  test('reports what it would do and changes nothing', async () => {
    const population = await createPopulation(
      { scope: 'all', deadline: new Date(Date.now() - DAY).toISOString(), reminders: { enabled: false } },
      20,
    );
    const sidecar = await sidecarFor(population, { DRY_RUN: 'true' });
    try {
      await sidecar.firstPass;
      const report = await sidecar.runEnforcement();
      expect(report).toMatchObject({ dryRun: true, adminWrites: 0, markedForSetup: population.expected.marked.size });
      const users = await allUsers(population.realm);
      expect(users.filter((u) => u.requiredActions?.includes('CONFIGURE_TOTP'))).toEqual([]);
    } finally {
      await sidecar.close();
    }
  });
});
