/**
 * A tiny relying party on loopback: builds authorization URLs with PKCE, receives the redirect, and
 * exchanges the code at the token endpoint, as a web application (such as the helpdesk page) does.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type KcAdminClient from '@keycloak/keycloak-admin-client';

export interface RelyingParty {
  redirectUri: string;
  /** the query of every redirect received */
  callbacks: URLSearchParams[];
  authorizeUrl(options?: { scope?: string; prompt?: string }): string;
  exchange(code: string): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

export const startRelyingParty = async (baseUrl: string, realm: string, clientId: string): Promise<RelyingParty> => {
  const callbacks: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/callback') {
      res.writeHead(404).end(); // the browser also asks for /favicon.ico
      return;
    }
    callbacks.push(url.searchParams);
    res.writeHead(200, { 'content-type': 'text/html' }).end('<h1 id="app">Signed in to the application</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  let verifier = '';
  return {
    redirectUri,
    callbacks,
    authorizeUrl({ scope = 'openid', prompt } = {}) {
      verifier = randomBytes(32).toString('base64url');
      const params = new URLSearchParams({
        client_id: clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope,
        state: randomBytes(8).toString('hex'),
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        ...(prompt ? { prompt } : {}),
      });
      return `${baseUrl}/realms/${realm}/protocol/openid-connect/auth?${params}`;
    },
    async exchange(code: string) {
      const response = await fetch(`${baseUrl}/realms/${realm}/protocol/openid-connect/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: clientId,
          code,
          redirect_uri: redirectUri,
          code_verifier: verifier,
        }),
      });
      return { status: response.status, json: await response.json() };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/**
 * A relying party `clientId` on loopback, registered in the realm as a public client with the standard flow
 * (the web application of the labs' realms). Takes the admin client the lab set up.
 */
export const startRegisteredRelyingParty = async (
  kc: KcAdminClient,
  baseUrl: string,
  realm: string,
  clientId = 'webapp',
) => {
  const app = await startRelyingParty(baseUrl, realm, clientId);
  await kc.clients.create({
    realm,
    clientId,
    publicClient: true,
    redirectUris: [app.redirectUri],
    standardFlowEnabled: true,
  });
  return app;
};
