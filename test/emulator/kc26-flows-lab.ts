/**
 * The lab the kc26-flows tests share: an emulator (or a real Keycloak 26 with KEYCLOAK_URL), a realm whose
 * emails go to a mail catcher, a public client whose redirect the browser-less robot stops at, and the
 * steps a person takes, posted by field name as a browser posts Keycloak's forms. The `let`s are ES module
 * live bindings set by the hooks.
 */
import { createHmac } from 'node:crypto';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { codeFor } from '../support/browser.js';
import { createTestRealm } from '../support/keycloak.js';
import { kc, kut, mail, useKeycloakAdmin } from '../support/keycloak-admin.js';
import { LoginRobot } from '../support/login-robot.js';
import { createTestUser, passwordOf } from '../support/users.js';

export { kc, kut, mail };

/** The relying party's callback: never fetched, the robot stops at it with the code. */
export const REDIRECT_URI = 'http://app.invalid/callback';
const CLIENT_ID = 'flows-app';

export const useFlowsLab = () => useKeycloakAdmin({ mail: true });

/** A realm with events on, "Forgot Password?" allowed, SMTP to the mail catcher and the test client. */
export const createFlowsRealm = async (prefix: string, extra: Record<string, unknown> = {}) => {
  const realm = await createTestRealm(kc, prefix, {
    resetPasswordAllowed: true,
    eventsEnabled: true,
    smtpServer: { host: mail.host, port: String(mail.port), from: 'keycloak@example.org' },
    ...extra,
  });
  await kc.clients.create({
    realm,
    clientId: CLIENT_ID,
    publicClient: true,
    redirectUris: [REDIRECT_URI],
    standardFlowEnabled: true,
  });
  return realm;
};

export const authorizeUrl = (realm: string) =>
  `${kut.baseUrl}/realms/${realm}/protocol/openid-connect/auth?${new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid',
  })}`;

export const createUser = (realm: string, username: string, credentials: unknown[] = [], extra = {}) =>
  createTestUser(kc, realm, username, { credentials, extra });

/** A new browser at the sign-in page, username and password posted. */
export const signIn = async (realm: string, username: string, password = passwordOf(username)) => {
  const robot = new LoginRobot();
  await robot.open(authorizeUrl(realm));
  await robot.submit({ username, password });
  return robot;
};

export const signedIn = (robot: LoginRobot) => robot.page.url.startsWith(REDIRECT_URI);

export const userEvents = async (realm: string, user: string) =>
  (await kc.realms.findEvents({ realm, user, max: 100 })).reverse();

/** Only in the page's text, whatever element holds it. */
export const pageSays = (robot: LoginRobot, text: string) => robot.page.html.includes(text);

// jsqr is CommonJS: its function is the default export under one loader and the module under another.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ?? jsQRModule) as unknown as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;

/** The otpauth:// URI of the setup page's QR code (an inline PNG in Keycloak's page and the emulator's). */
export const keyUriOnPage = (robot: LoginRobot): string => {
  const img = /<img[^>]*id="kc-totp-secret-qr-code"[^>]*>/.exec(robot.page.html)?.[0] ?? '';
  const base64 = /src="data:image\/png;base64,\s*([^"]+)"/.exec(img)?.[1];
  if (!base64) throw new Error(`no QR code on ${robot.page.url}`);
  const image = PNG.sync.read(Buffer.from(base64, 'base64'));
  const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  if (!decoded) throw new Error('the QR code does not decode');
  return decoded.data;
};

export const secretOf = (keyUri: string) => new URL(keyUri).searchParams.get('secret') ?? '';

/** The TOTP code of a base32 secret at now + offset seconds. */
export const totpCode = (base32: string, offsetSeconds = 0) =>
  codeFor({ secret: base32 }, Math.floor(Date.now() / 1000) + offsetSeconds);

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const base32Bytes = (text: string) => {
  const bits = [...text.replace(/=+$/, '')].map((c) => BASE32.indexOf(c).toString(2).padStart(5, '0')).join('');
  return Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)));
};

/** RFC 4226 HOTP (SHA-1, 6 digits) of a base32 secret, as an authenticator app counts. */
export const hotpCode = (base32: string, counter: number) => {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const hash = createHmac('sha1', base32Bytes(base32)).update(message).digest();
  const offset = (hash[hash.length - 1] as number) & 0x0f;
  return String((hash.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
};
