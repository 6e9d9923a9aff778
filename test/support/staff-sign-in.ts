/**
 * Staff signing in to the helpdesk page as a browser would, without one (the page itself is covered in
 * Chromium by the helpdesk journey): the sidecar's /helpdesk/login, Keycloak's pages, the callback.
 */
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import { freshCode, LoginRobot } from '../../devkit/src/index.js';

/** Codes not spent yet, and staff tokens by sign-in with the second factor: devkit/, shared with the benchmark. */
export { freshCode, staffBearerToken } from '../../devkit/src/index.js';

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

/** Lets the helpdesk page's client (`otp-helpdesk`) send codes to this test's sidecar. */
export const allowHelpdeskRedirect = async (kc: KcAdminClient, realm: string, sidecarUrl: string) => {
  const [client] = await kc.clients.find({ realm, clientId: 'otp-helpdesk' });
  await kc.clients.update(
    { realm, id: client?.id as string },
    { ...client, redirectUris: [`${sidecarUrl}/helpdesk/*`] },
  );
};
