/**
 * What the owner, the attacker and the helpdesk member do, at HTTP level (the pages are covered in Chromium
 * by the journeys): Keycloak's pages through the login robot, the sidecar's API and pages, the mailbox read
 * from the mail catcher. Each returns what the actor saw; the model decides what it means.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { verificationFor } from '../../support/helpdesk-verification.js';
import { jsonCall } from '../../support/http-json.js';
import { accountConsoleLoginUrl, LoginRobot } from '../../support/login-robot.js';
import { completeRecoveryByRobot, linkIn, type Phone, unspentCode } from '../../support/recovery.js';
import type { ReceivedMail } from '../../support/smtp.js';
import { passwordOf } from '../../support/users.js';
import { eventually } from '../../support/wait.js';
import type { World } from './world.js';

/** The account whose second factor the model is about (a fresh one per run). */
export interface Account {
  id: string;
  username: string;
  email: string;
}

export const phoneOf = (secret: string): Phone => ({
  secret,
  algorithm: 'sha1',
  digits: 6,
  period: 30,
  issuer: '',
  account: '',
  spent: [],
});

/** A code the phone shows that Keycloak has not seen yet (each is taken once); waits for the next step if needed. */
export const codeOf = async (phone: Phone): Promise<string> => {
  for (;;) {
    const step = Math.floor(Date.now() / 30_000);
    if ([step - 1, step, step + 1].some((s) => !phone.spent.includes(s))) return unspentCode(phone);
    await sleep(1_000);
  }
};

/** The account's OTP devices as Keycloak has them. */
export const liveDevices = async (world: World, account: Account) =>
  (await world.kc.users.getCredentials({ realm: world.target.realm, id: account.id }))
    .filter((c) => c.type === 'otp')
    .map((c) => ({ id: c.id as string, label: c.userLabel ?? '' }));

/** Sets up a device on Keycloak's CONFIGURE_TOTP page the robot is on: "Unable to scan?", the key typed in. */
const setUpOnPage = async (robot: LoginRobot, label: string): Promise<Phone | undefined> => {
  if (robot.page.html.includes('Click here to proceed')) await robot.follow('Click here to proceed');
  if (!robot.page.html.includes('Unable to scan')) return undefined;
  await robot.follow('Unable to scan\\?');
  const phone = phoneOf((robot.textOf('kc-totp-secret-key') ?? '').replaceAll(' ', ''));
  await robot.submit({ totp: await codeOf(phone), userLabel: label });
  return phone;
};

const isLinkTo = (account: Account) => (m: ReceivedMail) =>
  m.to.includes(account.email) && m.subject === 'Update Your Account';

/**
 * Anyone who knows the username: the sidecar's /api/v1/recovery. Returns the answer's status and whether a
 * link reached the mailbox (the request is handled off the answer's path: waited for, within bounds).
 */
export const requestRecovery = async (world: World, account: Account) => {
  const before = world.mail.messages.filter(isLinkTo(account)).length;
  const response = await fetch(`${world.sidecar.url}/api/v1/recovery`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: account.username }),
  });
  const count = () => Promise.resolve(world.mail.messages.filter(isLinkTo(account)).length);
  const mailed = (await eventually(count, (n) => n > before, 5_000)) > before;
  return { status: response.status, mailed };
};

/** A mailbox reader opens the newest "Update Your Account" link (recovery or helpdesk setup) and sets up a phone. */
export const useLatestLink = async (world: World, account: Account, label: string) => {
  const latest = world.mail.messages.filter(isLinkTo(account)).at(-1);
  if (!latest) return undefined;
  const robot = new LoginRobot();
  await robot.open(linkIn(latest));
  return setUpOnPage(robot, label);
};

/** A session holder adds a device through the account console (`kc_action=CONFIGURE_TOTP`). */
export const addDeviceInConsole = async (world: World, session: LoginRobot, label: string) => {
  await session.open(`${world.kut.baseUrl}/realms/${world.target.realm}/account/aia?kc_action=CONFIGURE_TOTP`);
  if (session.page.html.includes('name="username"')) return { signedOut: true as const };
  return { signedOut: false as const, phone: await setUpOnPage(session, label) };
};

/** Password and a code of the chosen device on Keycloak's pages, the robot already at the sign-in page. */
const passwordAndCode = async (robot: LoginRobot, account: Account, phone: Phone, credentialId: string) => {
  await robot.submit({ username: account.username, password: passwordOf(account.username) });
  if (robot.page.html.includes('name="otp"'))
    await robot.submit({ otp: await codeOf(phone), selectedCredentialId: credentialId });
};

/** Signs in at the account console with the password and a code; the robot then holds the session. */
export const signIn = async (world: World, account: Account, phone: Phone, credentialId: string) => {
  const robot = new LoginRobot();
  await robot.open(accountConsoleLoginUrl(world.kut.baseUrl, world.target.realm));
  await passwordAndCode(robot, account, phone, credentialId);
  const signedIn = robot.page.url.startsWith(`${world.kut.baseUrl}/realms/${world.target.realm}/account`);
  return { robot, signedIn };
};

/** /recovery/complete: a fresh sign-in with the password and a code of the new phone; the page's heading. */
export const completeRecovery = (world: World, account: Account, phone: Phone, credentialId: string) =>
  completeRecoveryByRobot(world.sidecar.url, {
    username: account.username,
    password: passwordOf(account.username),
    code: () => codeOf(phone),
    credentialId,
  });

export type HelpdeskWrite = { kind: 'remove-device'; credentialId: string } | { kind: 'reset-otp' };

const REQUEST = { reason: 'Caller says the phone was lost', ticket: 'HD-4242' };

/**
 * A caller asks the helpdesk for a write; staff mail a code to the account and the caller reads it back —
 * the right one only when the caller holds the mailbox. Returns the write's HTTP status.
 */
export const helpdeskWrite = async (world: World, account: Account, write: HelpdeskWrite, callerReadsMail: boolean) => {
  const path =
    write.kind === 'reset-otp'
      ? `users/${account.id}/reset-otp`
      : `users/${account.id}/devices/${write.credentialId}/remove`;
  for (let attempt = 0; ; attempt++) {
    const proof = await verificationFor(world.sidecar.url, world.staffToken, world.mail, account.id, account.email);
    // Without the mailbox the caller can only guess: any code but the one mailed.
    const code = callerReadsMail ? proof.code : proof.code === '000000' ? '000001' : '000000';
    const answer = await jsonCall(`${world.sidecar.url}/api/v1/helpdesk/${path}`, {
      token: world.staffToken,
      method: 'POST',
      json: { ...REQUEST, verification: { id: proof.id, code } },
    });
    // The helpdesk asks staff for a fresh sign-in now and then (maxAuthAgeSeconds).
    if (answer.status !== 401 || attempt > 0) return answer.status;
    await world.renewStaffToken();
  }
};

const CANCEL = /https?:\/\/\S+\/notice\/cancel\?t=([A-Za-z0-9_-]+)/;

/** The owner opens the newest "This wasn't me" link not used yet and confirms. Undefined: no link to use. */
export const cancelLatestChange = async (world: World, account: Account, used: Set<string>) => {
  const tokens = world.mail.messages
    .filter((m) => m.to.includes(account.email))
    .map((m) => CANCEL.exec(m.text)?.[1])
    .filter((t): t is string => Boolean(t) && !used.has(t as string));
  const token = tokens.at(-1);
  if (!token) return undefined;
  used.add(token);
  const response = await fetch(`${world.sidecar.url}/notice/cancel`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ t: token }),
  });
  return response.status;
};
