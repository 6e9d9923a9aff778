/**
 * Realms: `/admin/realms` (list, create) and `/admin/realms/{realm}` (get, partial-merge update, delete),
 * the events configuration and partialImport.
 */
import { type Request, type Response, Router } from 'express';
import { badRequest, conflict, forbidden, KeycloakHttpError } from '../http/errors.js';
import type { AccessTokenCaller } from '../oidc/tokens.js';
import { effectiveRoles } from '../state/roles.js';
import { type EmulatorState, MASTER_REALM } from '../state/store.js';
import { AdminContext, adminContext } from './context.js';
import { importRealm, partialImport } from './realm-import.js';
import {
  eventsConfig,
  mergeRealmSettings,
  realmRepresentation,
  reducedRealmRepresentation,
} from './realm-representation.js';
import { answerCreated } from './route-helpers.js';

// login/required-actions.ts reads the OTP application list from here.

/** Realm-level event listeners a Keycloak 26 server ships (metrics-listener is global-only). */
const KNOWN_EVENT_LISTENERS = new Set(['jboss-logging', 'email']);

const callerOf = (res: Response) => res.locals.caller as AccessTokenCaller;

const canCreateRealm = (caller: AccessTokenCaller) => {
  if (caller.realm.name !== MASTER_REALM) return false;
  for (const role of effectiveRoles(caller.realm, caller.user).values()) {
    if (!role.clientRole && (role.name === 'admin' || role.name === 'create-realm')) return true;
  }
  return false;
};

const requireRealmBody = (req: Request): Record<string, unknown> => {
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Invalid realm representation');
  return body as Record<string, unknown>;
};

export const realmsCollectionRouter = (state: EmulatorState): Router => {
  const router = Router({ caseSensitive: true });

  router.get('/', (req, res) => {
    const caller = callerOf(res);
    const brief = req.query.briefRepresentation === 'true';
    const visible = [];
    for (const realm of state.realms.values()) {
      if (caller.realm.name !== MASTER_REALM && caller.realm !== realm) continue;
      const context = new AdminContext(state, caller, realm, req.ip ?? '');
      if (!context.isAnyAdmin()) continue;
      if (brief) visible.push({ id: realm.id, realm: realm.name });
      else visible.push(context.can('view-realm') ? realmRepresentation(realm) : reducedRealmRepresentation(realm));
    }
    if (visible.length === 0) throw forbidden();
    res.json(visible);
  });

  router.post('/', (req, res) => {
    const caller = callerOf(res);
    if (!canCreateRealm(caller)) throw forbidden();
    const rep = requireRealmBody(req);
    const name = rep.realm;
    if (typeof name !== 'string' || name.trim() === '') throw badRequest('Realm name cannot be empty');
    if (state.realms.has(name) || [...state.realms.values()].some((r) => r.id === rep.id)) {
      throw conflict('Conflict detected. See logs for details');
    }
    importRealm(state, rep);
    answerCreated(req, res, name);
  });

  return router;
};

export const realmRouter = (state: EmulatorState): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });

  router.get('/', (_req, res) => {
    const ctx = adminContext(res);
    res.json(ctx.can('view-realm') ? realmRepresentation(ctx.realm) : reducedRealmRepresentation(ctx.realm));
  });

  router.put('/', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-realm');
    const rep = requireRealmBody(req);
    const realm = ctx.realm;
    if (typeof rep.realm === 'string' && rep.realm !== realm.name) {
      if (state.realms.has(rep.realm)) throw conflict('Realm with same name exists');
      if (realm.name === MASTER_REALM) throw badRequest('Cannot rename master realm');
      state.realms.delete(realm.name);
      realm.name = rep.realm;
      state.realms.set(realm.name, realm);
    }
    mergeRealmSettings(realm, rep);
    ctx.event({ operationType: 'UPDATE', resourceType: 'REALM', resourcePath: '', representation: rep });
    res.status(204).end();
  });

  router.delete('/', (_req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-realm');
    if (ctx.realm.name === MASTER_REALM)
      throw new KeycloakHttpError(400, { errorMessage: 'Cannot delete master realm' });
    state.deleteRealm(ctx.realm.name);
    res.status(204).end();
  });

  router.get('/events/config', (_req, res) => {
    const ctx = adminContext(res);
    ctx.require('view-events');
    res.json(eventsConfig(ctx.realm));
  });

  router.put('/events/config', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-events');
    const rep = requireRealmBody(req);
    const fields = [
      'eventsEnabled',
      'eventsExpiration',
      'eventsListeners',
      'enabledEventTypes',
      'adminEventsEnabled',
      'adminEventsDetailsEnabled',
    ];
    const listeners = rep.eventsListeners;
    if (listeners !== undefined) {
      if (!Array.isArray(listeners) || listeners.some((l) => !KNOWN_EVENT_LISTENERS.has(String(l)))) {
        throw new KeycloakHttpError(400, { error: 'Unknown event listener' });
      }
    }
    for (const field of fields) {
      if (rep[field] !== undefined) ctx.realm.settings[field] = structuredClone(rep[field]);
    }
    ctx.event({ operationType: 'UPDATE', resourceType: 'REALM', resourcePath: 'events/config', representation: rep });
    res.status(204).end();
  });

  router.post('/partialImport', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-realm');
    const rep = requireRealmBody(req);
    const result = partialImport(ctx.realm, rep);
    ctx.event({
      operationType: 'CREATE',
      resourceType: 'REALM',
      resourcePath: '',
      representation: undefined,
    });
    res.json(result);
  });

  return router;
};
