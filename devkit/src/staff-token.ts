/**
 * A staff access token as the helpdesk's client gets one, without a browser: the code flow with PKCE asking
 * for the realm's two-factor level (`acr_values=mfa`), signed in with password and a code not spent yet.
 * (A token by the password grant carries no second factor, and the helpdesk refuses it.)
 */
import { createHash, randomBytes } from 'node:crypto';
import { LoginRobot } from './login-robot.js';
import { freshCode } from './totp.js';

/** Where the demo realm's helpdesk client may send codes (realm-config/demo); the robot stops before it. */
const HELPDESK_REDIRECT = 'http://127.0.0.1:8081/helpdesk/callback';

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
