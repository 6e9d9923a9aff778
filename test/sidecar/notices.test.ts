/**
 * Notice and cancel ("This wasn't me"): every device added, removed or reset is announced to every address
 * on file with a single-use link; the link's page (GET) changes nothing, its confirmation (POST) freezes
 * the change — sessions ended, the added device removed, the account flagged `frozen` for the helpdesk,
 * the owner told —; an unknown, used or expired link gets one neutral answer; bad input is a 4xx JSON.
 * Device names an attacker chose are inert text in the emails.
 */
import { generate } from 'otplib';
import { deviceChangeEmail } from '../../sidecar/src/devices/device-email.js';
import { helpdeskActionEmail } from '../../sidecar/src/helpdesk/helpdesk-email.js';
import { inertName } from '../../sidecar/src/notices/inert-text.js';
import { NoticeService } from '../../sidecar/src/notices/notices.js';
import { createLogger } from '../../sidecar/src/observability/logger.js';
import { retiredDevicesEmail } from '../../sidecar/src/recovery/recovery-email.js';
import { verificationFor } from '../support/helpdesk-verification.js';
import { jsonCall } from '../support/http-json.js';
import { accountConsoleLoginUrl, LoginRobot } from '../support/login-robot.js';
import { DISTANT_DEADLINE, helpdeskToken, sidecarConnection } from '../support/sidecar-realm.js';
import { kc, kut, mail, sidecar, target, useSidecarRealm } from '../support/sidecar-world.js';
import type { ReceivedMail } from '../support/smtp.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A, SECRET_B } from '../support/users.js';
import { eventually } from '../support/wait.js';

let staff: string;

const EVIL = 'http://evil.example/reset';
/** per client IP and 15 minutes, for /recovery and /notice alike */
const PER_IP = 40;
const cancelLinkOf = (m: ReceivedMail) => /https?:\/\/\S+\/notice\/cancel\?t=[A-Za-z0-9_-]+/.exec(m.text)?.[0];
const tokenOf = (link: string) => new URL(link).searchParams.get('t') as string;

const postCancel = (body: unknown, type = 'application/json') =>
  fetch(`${sidecar.url}/notice/cancel`, {
    method: 'POST',
    headers: { 'content-type': type },
    body: type === 'application/json' ? JSON.stringify(body) : new URLSearchParams(body as Record<string, string>),
  });

const userView = async (id: string) =>
  (await jsonCall(`${sidecar.url}/api/v1/helpdesk/users/${id}`, { token: staff })).body.user;

const otpOf = async (id: string) =>
  (await kc.users.getCredentials({ realm: target.realm, id })).filter((c) => c.type === 'otp');

/** A user without a device sets one up on the login pages (CONFIGURE_TOTP), naming it `label`. */
const setUpDevice = async (username: string, label: string) => {
  const id = await createTestUser(kc, target.realm, username, {
    extra: {
      requiredActions: ['CONFIGURE_TOTP'],
      attributes: { recoveryEmail: [`${username}.private@example.net`] },
    },
  });
  // A device created within moments of its account came with it and is not announced.
  await new Promise((r) => setTimeout(r, 300));
  const robot = new LoginRobot();
  await robot.open(accountConsoleLoginUrl(kut.baseUrl, target.realm));
  await robot.submit({ username, password: passwordOf(username) });
  await robot.follow('Unable to scan\\?');
  const secret = (robot.textOf('kc-totp-secret-key') ?? '').replaceAll(' ', '');
  await robot.submit({ totp: await generate({ secret }), userLabel: label });
  return id;
};

const addedNotices = (username: string) =>
  eventually(
    async () =>
      mail.messages.filter(
        (m) =>
          (m.to.includes(`${username}@example.org`) || m.to.includes(`${username}.private@example.net`)) &&
          m.subject.startsWith('A new authenticator was added'),
      ),
    (found) => found.length >= 2,
  );

useSidecarRealm(
  {
    enforcement: DISTANT_DEADLINE,
    notices: { extraAddressAttribute: 'recoveryEmail' },
    recovery: { rateLimit: { perIpPer15Minutes: PER_IP, perAccountPerHour: 3 } },
  },
  'notices',
  {
    populate: async () => {
      // The further address lives in an attribute only admins edit (declared, or unmanaged with ADMIN_EDIT).
      const profile = await kc.users.getProfile({ realm: target.realm });
      await kc.users.updateProfile({
        ...profile,
        realm: target.realm,
        unmanagedAttributePolicy: 'ADMIN_EDIT',
      } as never);
    },
  },
);
beforeAll(async () => {
  staff = await helpdeskToken(kc, kut, target.realm);
});

describe('device names are inert text', () => {
  test('no scheme, no host-like dots, quoted; escaped in HTML', () => {
    expect(inertName(EVIL)).toBe('"http:/ /evil\u2024example/reset"');
    expect(inertName('Pixel 8')).toBe('"Pixel 8"');
    expect(inertName('www.evil.example\nclick "here"')).toBe('"www\u2024evil\u2024example click \'here\'"');
  });

  test('in every email builder, with the cancel link', () => {
    const cancelUrl = 'https://sidecar.example.org/notice/cancel?t=abc';
    const owner = { userId: 'u1', username: 'ada', email: 'ada@example.org' };
    const emails = [
      deviceChangeEmail(
        { kind: 'added', owner, device: { credentialId: 'c1', label: `${EVIL}<b>` }, at: new Date() },
        { realm: 'r', realmDisplayName: 'R', accountUrl: 'https://kc.example.org/account', cancelUrl },
      ),
      retiredDevicesEmail({
        realm: 'r',
        requestId: '1',
        owner,
        labels: [`${EVIL}<b>`],
        realmDisplayName: 'R',
        accountUrl: 'https://kc.example.org/account',
        cancelUrl,
      }),
      helpdeskActionEmail({
        realm: 'r',
        auditId: 1,
        action: 'remove-device',
        username: 'ada',
        email: owner.email,
        label: `${EVIL}<b>`,
        reason: 'asked by phone',
        realmDisplayName: 'R',
        cancelUrl,
      }),
    ];
    for (const email of emails) {
      for (const body of [email.text, email.html]) {
        expect(body).not.toMatch(/evil\.example|:\/\/evil/);
        expect(body).toContain(cancelUrl.replace('&', '&amp;'));
      }
      expect(email.text).toContain('http:/ /evil\u2024example/reset<b>');
      expect(email.html).toContain('http:/ /evil\u2024example/reset&#60;b&#62;');
      expect(email.html).not.toContain('<b>');
    }
  });
});

describe('a device added: notice, link, cancel', () => {
  let ada: string;
  let link: string;

  beforeAll(async () => {
    ada = await setUpDevice('ada', EVIL);
    const notices = await addedNotices('ada');
    expect(notices.map((m) => m.to).sort()).toEqual([['ada.private@example.net'], ['ada@example.org']]);
    const links = notices.map(cancelLinkOf);
    expect(links[0]).toBeDefined();
    // One change, one token: every address carries the same link.
    expect(new Set(links).size).toBe(1);
    link = links[0] as string;
  }, 60_000);

  test('the notice names the device as inert text and links on the public URL', () => {
    const notice = mail.messages.find((m) => m.to.includes('ada@example.org') && cancelLinkOf(m)) as ReceivedMail;
    expect(notice.text).toContain('"http:/ /evil\u2024example/reset"');
    expect(notice.text).not.toMatch(/evil\.example/);
    expect(notice.html).not.toMatch(/evil\.example/);
    expect(link.startsWith(`${sidecar.url}/notice/cancel?t=`)).toBe(true);
    expect(tokenOf(link)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('the store keeps only the hash of the token', async () => {
    const rows = await sidecar.db.query<{ token_hash: string }>('select token_hash from cancel_tokens');
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(tokenOf(link));
  });

  test('the GET shows a confirm form and changes nothing (mail scanners follow links)', async () => {
    for (let i = 0; i < 3; i++) {
      const page = await fetch(link);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<form method="post" action="/notice/cancel">');
      expect(html).toContain(`value="${tokenOf(link)}"`);
      expect(html).not.toContain('<script');
      // The token is in the URL: it must not leak through a Referer or a cache.
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('cache-control')).toBe('no-store');
    }
    expect(await otpOf(ada)).toHaveLength(1);
    expect(await userView(ada)).toMatchObject({ frozen: false });
    expect(await kc.users.listSessions({ realm: target.realm, id: ada })).not.toHaveLength(0);
  });

  test('bad input is a 4xx JSON', async () => {
    const noToken = await fetch(`${sidecar.url}/notice/cancel`);
    expect(noToken.status).toBe(400);
    expect(await noToken.json()).toMatchObject({ error: 'bad_request' });
    for (const body of [{ token: 42 }, { token: 'short' }, {}]) {
      const response = await postCancel(body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'bad_request' });
    }
    const broken = await postCancel('{"token":', 'application/json');
    expect(broken.status).toBe(400);
  });

  test('the POST freezes: sessions ended, the added device removed, the account flagged, the owner told', async () => {
    const unknown = await postCancel({ token: 'A'.repeat(43) });
    expect(unknown.status).toBe(410);
    const unknownBody = await unknown.json();

    const response = await postCancel({ t: tokenOf(link) }, 'application/x-www-form-urlencoded');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('you are signed out everywhere');

    expect(await otpOf(ada)).toEqual([]);
    expect(await kc.users.listSessions({ realm: target.realm, id: ada })).toEqual([]);
    expect(await userView(ada)).toMatchObject({ frozen: true });
    const told = await eventually(
      async () => mail.messages.filter((m) => m.subject.includes('was frozen at your request')),
      (m) => m.length >= 2,
    );
    expect(told.map((m) => m.to[0]).sort()).toEqual(['ada.private@example.net', 'ada@example.org']);
    const [audit] = await sidecar.db.query<{ change_kind: string; removed_credential_id: string | null }>(
      'select change_kind, removed_credential_id from notice_cancellations where user_id = $1',
      [ada],
    );
    expect(audit).toMatchObject({ change_kind: 'device-added' });
    expect(audit?.removed_credential_id).toBeTruthy();

    // Single use: the same link again gets the neutral answer an unknown one gets.
    const again = await postCancel({ token: tokenOf(link) });
    expect(again.status).toBe(410);
    expect(await again.json()).toEqual(unknownBody);
  }, 30_000);
});

test('a link expires after 7 days (by default)', async () => {
  const id = await createTestUser(kc, target.realm, 'eve-expiry');
  const issuedAgo = async (ms: number) => {
    const service = new NoticeService({
      keycloak: sidecarConnection(kut, target.realm),
      db: sidecar.db,
      logger: createLogger('silent'),
      realmDisplayName: target.realm,
      publicUrl: () => sidecar.url,
      cancelLinkDays: 7,
      now: () => new Date(Date.now() - ms),
    });
    return tokenOf(
      await sidecar.db.transaction((tx) => service.cancelLinkFor(tx, { userId: id, kind: 'device-removed' })),
    );
  };
  const expired = await issuedAgo(7 * 86_400_000 + 1000);
  const stillValid = await issuedAgo(7 * 86_400_000 - 60_000);
  const response = await postCancel({ token: expired });
  expect(response.status).toBe(410);
  expect(await userView(id)).toMatchObject({ frozen: false });
  expect((await postCancel({ token: stillValid })).status).toBe(200);
  expect(await userView(id)).toMatchObject({ frozen: true });
});

test('links are absolute URLs on the configured public URL (PUBLIC_URL), with its path', async () => {
  const service = new NoticeService({
    keycloak: sidecarConnection(kut, target.realm),
    db: sidecar.db,
    logger: createLogger('silent'),
    realmDisplayName: target.realm,
    publicUrl: () => 'https://otp.example.org/sidecar/',
    cancelLinkDays: 7,
  });
  const link = await sidecar.db.transaction((tx) =>
    service.cancelLinkFor(tx, { userId: 'someone', kind: 'devices-reset' }),
  );
  expect(link).toMatch(/^https:\/\/otp\.example\.org\/sidecar\/notice\/cancel\?t=[A-Za-z0-9_-]{43}$/);
});

test('a helpdesk removal is announced at every address with a link; its cancel freezes, removing nothing more', async () => {
  const id = await createTestUser(kc, target.realm, 'hal', {
    credentials: [otpCredential('Old phone', SECRET_A), otpCredential('Laptop', SECRET_B)],
    extra: { attributes: { recoveryEmail: ['hal.private@example.net'] } },
  });
  await sidecar.mirror.syncUser(id);
  const old = (await otpOf(id)).find((c) => c.userLabel === 'Old phone');
  // The caller proves the account's mailbox first (the helpdesk's identity check).
  const verification = await verificationFor(sidecar.url, staff, mail, id, 'hal@example.org');
  const removed = await jsonCall(`${sidecar.url}/api/v1/helpdesk/users/${id}/devices/${old?.id}/remove`, {
    token: staff,
    method: 'POST',
    json: { reason: 'Phone lost, caller verified', ticket: 'HD-19', verification },
  });
  expect(removed.status).toBe(200);
  const notices = await eventually(
    async () => mail.messages.filter((m) => /hal/.test(m.to[0] ?? '') && m.text.includes('The helpdesk removed')),
    (m) => m.length >= 2,
  );
  expect(notices.map((m) => m.to[0]).sort()).toEqual(['hal.private@example.net', 'hal@example.org']);
  const link = cancelLinkOf(notices[0] as ReceivedMail) as string;
  expect(link).toBeDefined();
  expect((await postCancel({ token: tokenOf(link) })).status).toBe(200);
  expect((await otpOf(id)).map((c) => c.userLabel)).toEqual(['Laptop']);
  expect(await userView(id)).toMatchObject({ frozen: true });
}, 30_000);

// Last: it spends this client's allowance.
test('the pages are rate limited per client IP, like /recovery', async () => {
  const statuses: number[] = [];
  for (let i = 0; i <= PER_IP; i++) statuses.push((await postCancel({ token: 'B'.repeat(43) })).status);
  expect(statuses).toContain(429);
  const limited = await fetch(`${sidecar.url}/notice/cancel?t=${'C'.repeat(43)}`);
  expect(limited.status).toBe(429);
  expect(await limited.json()).toMatchObject({ error: 'too_many_requests' });
});
