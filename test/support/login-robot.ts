/** The login robot (devkit/, shared with the benchmark) and where the account console sends a user to sign in. */
export { type LoginPage, LoginRobot } from '../../devkit/src/index.js';

/** Where the account console sends a user to sign in (a public client with PKCE). */
export const accountConsoleLoginUrl = (baseUrl: string, realm: string): string =>
  `${baseUrl}/realms/${realm}/protocol/openid-connect/auth?${new URLSearchParams({
    client_id: 'account-console',
    redirect_uri: `${baseUrl}/realms/${realm}/account/`,
    response_type: 'code',
    scope: 'openid',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  })}`;
