/**
 * Staff signing in to the helpdesk page as a browser would, without one (the page itself is covered in
 * Chromium by the helpdesk journey): the sidecar's /helpdesk/login, Keycloak's pages, the callback.
 */
import { createHash, randomBytes } from 'node:crypto';
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import { codeFor } from './browser.js';
import { LoginRobot } from './login-robot.js';

/** the 30-second steps whose code each account already used: Keycloak takes a code only once */
const usedSteps = new Map<string, Set<number>>();

/** A code the account has not used yet: this step's, else the next one's (in Keycloak's look-around window), else wait. */
export const freshCode = async (username: string, secret: string): Promise<string> => {
  const used = usedSteps.get(`${username}:${secret}`) ?? new Set<number>();
  usedSteps.set(`${username}:${secret}`, used);
  for (;;) {
    const step = Math.floor(Date.now() / 30_000);
    const free = [step, step + 1].find((s) => !used.has(s));
    if (free !== undefined) {
      used.add(free);
      return codeFor({ secret }, free * 30);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
};

export interface StaffSignIn {
  robot: LoginRobot;
  /** whether Keycloak sent the browser back to the sidecar (else it still asks for something) */
  returned: boolean;
  /** the sidecar's answer to the callback (302 to the page when a session was opened) */
  callbackStatus?: number;
  /** the page session cookie, when the sidecar set one */
  session?: string;
}

/** Signs in with the password, and with a code of `otpSecret` when Keycloak asks for one. */
export const signInToHelpdesk = async (
  sidecarUrl: string,
  username: string,
  password: string,
  otpSecret?: string,
): Promise<StaffSignIn> => {
  const robot = new LoginRobot();
  await robot.open(`${sidecarUrl}/helpdesk/login`);
  await robot.submit({ username, password });
  if (otpSecret && robot.page.url.includes('/realms/'))
    await robot.submit({ otp: await freshCode(username, otpSecret) });
  if (!robot.page.url.startsWith(`${sidecarUrl}/helpdesk/callback`)) return { robot, returned: false };
  const callback = await robot.open(robot.page.url);
  const session = robot.cookie('otp_helpdesk_session');
  return { robot, returned: true, callbackStatus: callback.status, ...(session ? { session } : {}) };
};

/** The CSRF token the page hands a signed-in session (its meta tag), or undefined when no page is served. */
export const pageCsrf = async (sidecarUrl: string, session: string): Promise<string | undefined> => {
  const response = await fetch(`${sidecarUrl}/helpdesk`, { headers: { cookie: `otp_helpdesk_session=${session}` } });
  if (response.status !== 200) return undefined;
  return /<meta name="csrf-token" content="([^"]+)"/.exec(await response.text())?.[1];
};

/** Where the demo realm's helpdesk client may send codes (realm-config/demo); the robot stops before it. */
const HELPDESK_REDIRECT = 'http://127.0.0.1:8081/helpdesk/callback';

/**
 * A staff access token as the helpdesk's client gets one: the code flow with PKCE asking for the realm's
 * two-factor level (`acr_values=mfa`), signed in with password and a code of `otpSecret`. (A token by
 * the password grant carries no second factor, and the helpdesk refuses it.)
 */
export const staffBearerToken = async (
  keycloakUrl: string,
  realm: string,
  username: string,
  password: string,
  otpSecret: string,
): Promise<string> => {
  const verifier = randomBytes(32).toString('base64url');
  const robot = new LoginRobot();
  await robot.open(
    `${keycloakUrl}/realms/${realm}/protocol/openid-connect/auth?${new URLSearchParams({
      client_id: 'otp-helpdesk',
      redirect_uri: HELPDESK_REDIRECT,
      response_type: 'code',
      scope: 'openid',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      acr_values: 'mfa',
    })}`,
  );
  await robot.submit({ username, password });
  if (robot.page.url.includes('/realms/')) await robot.submit({ otp: await freshCode(username, otpSecret) });
  const code = new URL(robot.page.url).searchParams.get('code');
  if (!code) throw new Error(`no code for ${username}: ended at ${robot.page.url}`);
  const response = await fetch(`${keycloakUrl}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: 'otp-helpdesk',
      code,
      redirect_uri: HELPDESK_REDIRECT,
      code_verifier: verifier,
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token for ${username}: ${JSON.stringify(body)}`);
  return body.access_token;
};

/** Lets the helpdesk page's client (`otp-helpdesk`) send codes to this test's sidecar. */
export const allowHelpdeskRedirect = async (kc: KcAdminClient, realm: string, sidecarUrl: string) => {
  const [client] = await kc.clients.find({ realm, clientId: 'otp-helpdesk' });
  await kc.clients.update(
    { realm, id: client?.id as string },
    { ...client, redirectUris: [`${sidecarUrl}/helpdesk/*`] },
  );
};
