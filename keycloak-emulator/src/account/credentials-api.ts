/**
 * The Account REST API's credentials, as Keycloak's AccountCredentialResource answers them for a bearer
 * token with the `account` audience (AccountLoader):
 * - `GET /realms/{r}/account/credentials[?type=otp][&user-credentials=false]` needs `manage-account` or
 *   `view-profile`: one container per credential type the realm's flows use (password, otp), each with the
 *   user's credentials of that type, secrets left out.
 * - `DELETE /realms/{r}/account/credentials/{id}` (deprecated in Keycloak in favour of
 *   `kc_action=delete_credential:<id>`, still served by 26) needs `manage-account` and an `acr` claim;
 *   it records REMOVE_CREDENTIAL (with `selected_credential_id`) and, for OTP, REMOVE_TOTP.
 * Keycloak serves these only to JSON requests (Accept or Content-Type application/json); the emulator
 * serves them to every request, since its console page lives at `/account` only.
 */
import { type Request, Router } from 'express';
import { recordEvent } from '../events/recorder.js';
import { KeycloakHttpError, notFound } from '../http/errors.js';
import { type AccessTokenCaller, verifyAccessToken } from '../oidc/tokens.js';
import type { CredentialModel, RealmModel } from '../state/model.js';
import { type EmulatorState, executionsOf } from '../state/store.js';

const ACCOUNT_CLIENT = 'account';

/** CredentialTypeMetadata of the providers the emulator has, in Keycloak's order (category, then name). */
const CREDENTIAL_TYPES = [
  {
    type: 'password',
    category: 'basic-authentication',
    displayName: 'password-display-name',
    helptext: 'password-help-text',
    iconCssClass: 'kcAuthenticatorPasswordClass',
    updateAction: 'UPDATE_PASSWORD',
    removeable: false,
    authenticators: ['auth-username-password-form', 'auth-password-form', 'direct-grant-validate-password'],
  },
  {
    type: 'otp',
    category: 'two-factor',
    displayName: 'otp-display-name',
    helptext: 'otp-help-text',
    iconCssClass: 'kcAuthenticatorOTPClass',
    createAction: 'CONFIGURE_TOTP',
    removeable: true,
    authenticators: ['auth-otp-form', 'direct-grant-validate-otp', 'reset-otp'],
  },
] as const;

const jaxRsError = (status: 401 | 403, message: string) => new KeycloakHttpError(status, { error: message });

/** The caller, as AccountLoader admits it: a user's valid token of this realm meant for the `account` client. */
const callerOf = (state: EmulatorState, req: Request, realm: RealmModel): AccessTokenCaller => {
  const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  const caller = token ? verifyAccessToken(state, token) : undefined;
  if (!caller || caller.realm !== realm) throw jaxRsError(401, 'HTTP 401 Unauthorized');
  if (caller.user.serviceAccountClientId) throw jaxRsError(401, 'HTTP 401 Unauthorized');
  if (!accountRolesOf(caller).length) throw jaxRsError(401, 'HTTP 401 Unauthorized');
  return caller;
};

/**
 * The caller's roles of the `account` client, from the token; a token not meant for `account` (no such
 * audience) has none, and AccountLoader refuses it with 401. (Keycloak re-reads a token without
 * audience or `resource_access.account` through introspection first; the emulator's tokens always carry
 * both when the user holds account roles, so it does not.)
 */
const accountRolesOf = (caller: AccessTokenCaller): string[] => {
  const { claims } = caller;
  const audience = Array.isArray(claims.aud) ? claims.aud : claims.aud ? [claims.aud] : [];
  if (!audience.includes(ACCOUNT_CLIENT)) return [];
  const access = claims.resource_access as Record<string, { roles?: string[] }> | undefined;
  return access?.[ACCOUNT_CLIENT]?.roles ?? [];
};

const requireOneOf = (caller: AccessTokenCaller, ...roles: string[]) => {
  const held = accountRolesOf(caller);
  if (!roles.some((r) => held.includes(r))) throw jaxRsError(403, 'HTTP 403 Forbidden');
};

/** Credential types some enabled execution of the realm's flows asks for (getEnabledCredentialTypes). */
const enabledCredentialTypes = (realm: RealmModel): Set<string> => {
  const authenticators = new Set<string>();
  for (const flow of realm.flows.values()) {
    for (const e of executionsOf(realm, flow.id)) {
      if (e.authenticator && e.requirement !== 'DISABLED') authenticators.add(e.authenticator);
    }
  }
  return new Set(
    CREDENTIAL_TYPES.filter((t) => t.authenticators.some((a) => authenticators.has(a))).map((t) => t.type),
  );
};

/** CredentialRepresentation without its secret, as ModelToRepresentation writes it. */
const credentialRepresentation = (c: CredentialModel) => ({
  id: c.id,
  type: c.type,
  ...(c.userLabel ? { userLabel: c.userLabel } : {}),
  createdDate: c.createdDate,
  credentialData: c.credentialData,
  priority: c.priority,
});

/**
 * One container per enabled type; with the user's credentials, a type the user has none of and cannot
 * create or update is left out.
 */
const credentialContainers = (caller: AccessTokenCaller, type: string | undefined, withUser: boolean) => {
  const enabled = enabledCredentialTypes(caller.realm);
  const containers: Record<string, unknown>[] = [];
  for (const { authenticators: _unused, ...metadata } of CREDENTIAL_TYPES) {
    if (!enabled.has(metadata.type) || (type !== undefined && metadata.type !== type)) continue;
    if (!withUser) {
      containers.push(metadata);
      continue;
    }
    const mine = caller.user.credentials.filter((c) => c.type === metadata.type);
    if (!mine.length && !('createAction' in metadata) && !('updateAction' in metadata)) continue;
    containers.push({
      ...metadata,
      userCredentialMetadatas: mine.map((c) => ({ credential: credentialRepresentation(c) })),
    });
  }
  return containers;
};

const removeCredential = (req: Request, caller: AccessTokenCaller, credentialId: string) => {
  requireOneOf(caller, 'manage-account');
  const { realm, user, claims } = caller;
  const credential = user.credentials.find((c) => c.id === credentialId);
  if (!credential) throw notFound('Credential not found');
  if (!CREDENTIAL_TYPES.some((t) => t.type === credential.type && t.removeable)) {
    throw new KeycloakHttpError(400, { error: 'Credential type cannot be removed' });
  }
  // getCurrentAuthenticatedLevel: a token without `acr` may not remove anything.
  if (claims.acr === undefined) throw jaxRsError(403, 'No LoA on the token');
  user.credentials = user.credentials.filter((c) => c !== credential);
  const event = {
    clientId: String(claims.azp ?? ''),
    userId: user.id,
    ...(typeof claims.sid === 'string' ? { sessionId: claims.sid } : {}),
    ipAddress: req.ip ?? '127.0.0.1',
    details: {
      credential_type: credential.type,
      selected_credential_id: credential.id,
      ...(credential.userLabel ? { credential_user_label: credential.userLabel } : {}),
    },
  };
  if (credential.type === 'otp') recordEvent(realm, { type: 'REMOVE_TOTP', ...event });
  recordEvent(realm, { type: 'REMOVE_CREDENTIAL', ...event });
};

export const accountCredentialsRouter = (state: EmulatorState): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  const realmOf = (req: Request) => state.realm(String(req.params.realm));
  router.get('/account/credentials', (req, res) => {
    const caller = callerOf(state, req, realmOf(req));
    requireOneOf(caller, 'manage-account', 'view-profile');
    const type = typeof req.query.type === 'string' ? req.query.type : undefined;
    res
      .set('Cache-Control', 'no-cache')
      .json(credentialContainers(caller, type, req.query['user-credentials'] !== 'false'));
  });
  router.delete('/account/credentials/:credentialId', (req, res) => {
    removeCredential(req, callerOf(state, req, realmOf(req)), String(req.params.credentialId));
    res.status(204).end();
  });
  return router;
};
