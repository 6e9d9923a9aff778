/**
 * What the email-link tests share: a Keycloak under test (emulator, or a real one with KEYCLOAK_URL)
 * whose realm mails a catcher, a relying party `webapp`, and the steps a browser-less user takes on the
 * pages a link leads to (login-robot: plain HTTP with cookies, forms by field name, links by text).
 */
import { codeFor } from '../support/browser.js';
import { createTestRealm } from '../support/keycloak.js';
import { kc, kut, mail, useKeycloakAdmin } from '../support/keycloak-admin.js';
import type { LoginRobot } from '../support/login-robot.js';
import { type RelyingParty, startRegisteredRelyingParty } from '../support/oidc-app.js';
import { linkIn } from '../support/smtp.js';
import { createTestUser, otpCredential, SECRET_A } from '../support/users.js';

export { kc, kut, mail };
export let realm: string;
export let app: RelyingParty;

/** Keycloak's link texts are HTML entities in messages_en.properties (`&raquo;`, `&laquo;`). */
export const PROCEED = '(?:»|&raquo;|&#187;) Click here to proceed';
export const BACK_TO_APPLICATION = /(?:«|&laquo;|&#171;) Back to Application/;

/** The page's text as a person reads it: tags dropped, entities decoded, spaces collapsed. */
export const visibleText = (html: string) =>
  html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&raquo;/g, '»')
    .replace(/&laquo;/g, '«')
    .replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .replace(/ ([:,.])/g, '$1')
    .trim();

/** The href of the link whose text matches. */
export const hrefOf = (html: string, text: RegExp) => {
  const match = new RegExp(`href="([^"]+)"[^>]*>${text.source}<`).exec(html);
  return match?.[1]?.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
};

export const createUser = (username: string) =>
  createTestUser(kc, realm, username, { credentials: [otpCredential('Lost phone', SECRET_A)] });

export const eventTypes = async (userId: string) =>
  (await kc.realms.findEvents({ realm, user: userId, max: 100 })).map((e) => e.type as string);

export const emailTo = async (username: string, subject: string) => {
  const email = await mail.waitFor((m) => m.to.includes(`${username}@example.org`) && m.subject === subject);
  mail.messages.splice(mail.messages.indexOf(email), 1);
  return linkIn(email);
};

export const sendExecuteActions = async (
  id: string,
  options: { actions?: string[]; lifespan?: number; redirectUri?: string } = {},
) => {
  await kc.users.executeActionsEmail({
    realm,
    id,
    actions: options.actions ?? ['CONFIGURE_TOTP', 'UPDATE_PASSWORD'],
    ...(options.lifespan ? { lifespan: options.lifespan } : {}),
    ...(options.redirectUri ? { clientId: 'webapp', redirectUri: options.redirectUri } : {}),
  });
};

/** CONFIGURE_TOTP through "Unable to scan?" (the secret as text), then UPDATE_PASSWORD. */
export const setUpDevice = async (robot: LoginRobot, label: string) => {
  await robot.follow('Unable to scan\\?');
  const secret = (robot.textOf('kc-totp-secret-key') ?? '').replaceAll(' ', '');
  await robot.submit({ totp: await codeFor({ secret }), userLabel: label });
};

export const setPassword = (robot: LoginRobot, password: string) =>
  robot.submit({ 'password-new': password, 'password-confirm': password });

/** "Forgot Password?" from the application's sign-in page, in this robot's browser. */
export const forgotPassword = async (robot: LoginRobot, username: string, authorizeUrl = app.authorizeUrl()) => {
  await robot.open(authorizeUrl);
  await robot.follow('Forgot Password\\?');
  await robot.submit({ username });
  return emailTo(username, 'Reset password');
};

export const useLinksLab = () => {
  useKeycloakAdmin({ mail: true });
  beforeAll(async () => {
    realm = await createTestRealm(kc, 'links', {
      resetPasswordAllowed: true,
      smtpServer: { host: mail.host, port: String(mail.port), from: 'keycloak@example.org' },
      eventsEnabled: true,
    });
    app = await startRegisteredRelyingParty(kc, kut.baseUrl, realm);
  });
  afterAll(() => app?.close());
};
