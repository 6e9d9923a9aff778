/** The userinfo endpoint: the profile claims of a valid access token of this realm. */
import { type Request, Router } from 'express';
import type { EmulatorState } from '../state/store.js';
import { verifyAccessToken } from './tokens.js';

const PROFILE_CLAIMS = ['email_verified', 'name', 'preferred_username', 'given_name', 'family_name', 'email'];

export const userinfoRouter = (state: EmulatorState): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  const realmOf = (req: Request) => state.realm(String(req.params.realm));
  router.get('/protocol/openid-connect/userinfo', (req, res) => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const caller = token ? verifyAccessToken(state, token) : undefined;
    if (!caller || caller.realm !== realmOf(req)) {
      res
        .status(401)
        .set('WWW-Authenticate', `Bearer realm="${realmOf(req).name}", error="invalid_token"`)
        .json({ error: 'invalid_token', error_description: 'Token verification failed' });
      return;
    }
    const { claims } = caller;
    res.json({
      sub: claims.sub,
      ...Object.fromEntries(PROFILE_CLAIMS.filter((k) => claims[k] !== undefined).map((k) => [k, claims[k]])),
    });
  });
  return router;
};
