/** The token endpoint: authenticates the client, then hands the request to the grant its `grant_type` names. */
import express, { type Request, Router } from 'express';
import { oauthError } from '../http/errors.js';
import type { ClientModel, RealmModel } from '../state/model.js';
import { clientByClientId, type EmulatorState } from '../state/store.js';
import { baseUrlOf } from './base-url.js';

export interface GrantInput {
  state: EmulatorState;
  realm: RealmModel;
  client: ClientModel;
  baseUrl: string;
  ip: string;
  body: Record<string, string>;
}

export type GrantHandler = (input: GrantInput) => Record<string, unknown>;

interface ClientCredentials {
  clientId?: string;
  secret?: string;
}

const clientCredentialsOf = (req: Request): ClientCredentials => {
  const header = req.get('authorization');
  const basic = header && /^Basic\s+(.+)$/i.exec(header)?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      const decode = (s: string) => decodeURIComponent(s.replaceAll('+', ' '));
      return { clientId: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
    }
  }
  return { clientId: req.body?.client_id, secret: req.body?.client_secret };
};

/** Keycloak's client authentication: unknown client, bad secret and disabled client are 401s. */
const authenticateClient = (realm: RealmModel, req: Request): ClientModel => {
  const { clientId, secret } = clientCredentialsOf(req);
  if (!clientId) throw oauthError(400, 'invalid_client', 'Missing client_id parameter');
  const client = clientByClientId(realm, clientId);
  if (!client) throw oauthError(401, 'invalid_client', 'Invalid client or Invalid client credentials');
  if (!client.enabled) throw oauthError(401, 'invalid_client', 'Invalid client or Invalid client credentials');
  if (client.bearerOnly) throw oauthError(400, 'invalid_client', 'Bearer-only not allowed');
  if (!client.publicClient && (secret === undefined || secret !== client.secret)) {
    throw oauthError(401, 'unauthorized_client', 'Invalid client or Invalid client credentials');
  }
  return client;
};

export const tokenEndpointRouter = (state: EmulatorState, grants: Record<string, GrantHandler>): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  const realmOf = (req: Request) => state.realm(String(req.params.realm));
  router.post('/protocol/openid-connect/token', express.urlencoded({ extended: false, limit: '64kb' }), (req, res) => {
    const realm = realmOf(req);
    const baseUrl = baseUrlOf(req);
    const ip = req.ip ?? '127.0.0.1';
    const grantType = req.body?.grant_type as string | undefined;
    if (!grantType) throw oauthError(400, 'invalid_request', 'Missing form parameter: grant_type');
    const handler = grants[grantType];
    if (!handler) throw oauthError(400, 'unsupported_grant_type', 'Unsupported grant_type');
    const client = authenticateClient(realm, req);
    res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
    res.json(handler({ realm, client, baseUrl, ip, body: req.body as Record<string, string>, state }));
  });
  return router;
};
