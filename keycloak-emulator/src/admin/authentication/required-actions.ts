/**
 * Required actions: list, register, read, update, delete, raise and lower, and the configs of the
 * configurable ones. A disabled action can't be a default action.
 */
import type { Request, Response, Router } from 'express';
import { conflict, KeycloakHttpError, notFound } from '../../http/errors.js';
import { builtinRequiredActions, UNREGISTERED_REQUIRED_ACTION_PROVIDERS } from '../../state/realm-defaults.js';
import { adminContext } from '../context.js';
import { str } from '../route-helpers.js';
import { body, illegal, manageRealm, stringMap, viewRealm } from './common.js';
import { CONFIGURABLE_REQUIRED_ACTIONS } from './descriptions.js';
import { requiredActionFor, swapWithNeighbour } from './model.js';
import { requiredActionRepresentation, requiredActionsInOrder } from './representation.js';

const listRequiredActions = (_req: Request, res: Response) => {
  const ctx = adminContext(res);
  ctx.require('view-realm', 'manage-realm', 'view-users', 'manage-users');
  res.json(requiredActionsInOrder(ctx.realm).map(requiredActionRepresentation));
};

const listUnregistered = (_req: Request, res: Response) => {
  const ctx = adminContext(res);
  viewRealm(ctx);
  const registered = new Set([...ctx.realm.requiredActions.values()].map((a) => a.providerId));
  res.json(UNREGISTERED_REQUIRED_ACTION_PROVIDERS.filter((p) => !registered.has(p.providerId)));
};

const registerRequiredAction = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  const rep = body(req);
  const providerId = str(rep.providerId);
  const known =
    UNREGISTERED_REQUIRED_ACTION_PROVIDERS.find((p) => p.providerId === providerId) ??
    builtinRequiredActions().find((a) => a.providerId === providerId);
  if (!providerId || !known) throw illegal('Required Action Provider with given providerId not found');
  if (ctx.realm.requiredActions.has(providerId)) throw conflict(`Required action ${providerId} already exists`);
  const last = requiredActionsInOrder(ctx.realm).at(-1);
  ctx.realm.requiredActions.set(providerId, {
    alias: providerId,
    name: str(rep.name) ?? known.name,
    providerId,
    enabled: true,
    defaultAction: false,
    priority: last ? last.priority + 1 : 0,
    config: {},
  });
  ctx.event({
    operationType: 'CREATE',
    resourceType: 'REQUIRED_ACTION',
    resourcePath: 'authentication/register-required-action',
    representation: rep,
  });
  res.status(204).end();
};

const getRequiredAction = (req: Request<{ alias: string }>, res: Response) => {
  const ctx = adminContext(res);
  viewRealm(ctx);
  res.json(
    requiredActionRepresentation(requiredActionFor(ctx.realm, req.params.alias, 'Failed to find required action')),
  );
};

const updateRequiredAction = (req: Request<{ alias: string }>, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  const action = requiredActionFor(ctx.realm, req.params.alias, 'Failed to find required action');
  const rep = body(req);
  // Keycloak copies every field of the representation (missing booleans become false).
  if (typeof rep.name === 'string') action.name = rep.name;
  action.enabled = rep.enabled === true;
  action.defaultAction = rep.defaultAction === true;
  if (typeof rep.priority === 'number' && Number.isFinite(rep.priority)) action.priority = Math.trunc(rep.priority);
  if (rep.config && typeof rep.config === 'object') action.config = stringMap(rep.config);
  // A disabled action can't be a default action (Keycloak's admin console enforces the same).
  if (!action.enabled) action.defaultAction = false;
  ctx.event({
    operationType: 'UPDATE',
    resourceType: 'REQUIRED_ACTION',
    resourcePath: `authentication/required-actions/${action.alias}`,
    representation: rep,
  });
  res.status(204).end();
};

const deleteRequiredAction = (req: Request<{ alias: string }>, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  const action = requiredActionFor(ctx.realm, req.params.alias);
  ctx.realm.requiredActions.delete(action.alias);
  ctx.event({
    operationType: 'DELETE',
    resourceType: 'REQUIRED_ACTION',
    resourcePath: `authentication/required-actions/${action.alias}`,
  });
  res.status(204).end();
};

/** Swaps priorities with the neighbour above (-1) or below (+1) in realm order; nothing at either end. */
const moveRequiredAction = (direction: -1 | 1) => (req: Request<{ alias: string }>, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  const action = requiredActionFor(ctx.realm, String(req.params.alias));
  if (swapWithNeighbour(requiredActionsInOrder(ctx.realm), action, direction)) {
    ctx.event({
      operationType: 'UPDATE',
      resourceType: 'REQUIRED_ACTION',
      resourcePath: `authentication/required-actions/${action.alias}/${direction < 0 ? 'raise' : 'lower'}-priority`,
    });
  }
  res.status(204).end();
};

const requireConfigurable = (alias: string) => {
  if (!CONFIGURABLE_REQUIRED_ACTIONS[alias]) throw illegal('RequiredAction is not configurable');
};

const getActionConfigDescription = (req: Request<{ alias: string }>, res: Response) => {
  viewRealm(adminContext(res));
  const properties = CONFIGURABLE_REQUIRED_ACTIONS[req.params.alias];
  if (!properties) throw notFound('Could not find configurable RequiredAction provider');
  res.json({ properties });
};

/**
 * The action's config; 404 only when the alias is not registered. A registered action with nothing set
 * answers an empty config (contract §12, verified in Keycloak's RequiredActionsResource).
 */
const storedActionConfig = (req: Request<{ alias: string }>, res: Response) => {
  const ctx = adminContext(res);
  const action = ctx.realm.requiredActions.get(req.params.alias);
  if (!action) throw notFound('Could not find RequiredAction config');
  return action;
};

const getActionConfig = (req: Request<{ alias: string }>, res: Response) => {
  viewRealm(adminContext(res));
  const action = storedActionConfig(req, res);
  requireConfigurable(action.alias);
  res.json({ config: { ...action.config } });
};

const updateActionConfig = (req: Request<{ alias: string }>, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  requireConfigurable(req.params.alias);
  const action = requiredActionFor(ctx.realm, req.params.alias, 'Could not find RequiredAction config');
  const rep = body(req);
  const config = stringMap(rep.config);
  if (config.max_auth_age !== undefined && !/^\d+$/.test(config.max_auth_age))
    throw new KeycloakHttpError(400, {
      errors: [{ field: 'max_auth_age', errorMessage: 'error-invalid-number', params: ['max_auth_age'] }],
    });
  action.config = config;
  ctx.event({
    operationType: 'UPDATE',
    resourceType: 'REQUIRED_ACTION_CONFIG',
    resourcePath: `authentication/required-actions/${action.alias}/config`,
    representation: rep,
  });
  res.status(204).end();
};

const deleteActionConfig = (req: Request<{ alias: string }>, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  requireConfigurable(req.params.alias);
  const action = storedActionConfig(req, res);
  action.config = {};
  ctx.event({
    operationType: 'DELETE',
    resourceType: 'REQUIRED_ACTION_CONFIG',
    resourcePath: `authentication/required-actions/${action.alias}/config`,
  });
  res.status(204).end();
};

export const requiredActionRoutes = (router: Router): void => {
  router.get('/required-actions', listRequiredActions);
  router.get('/unregistered-required-actions', listUnregistered);
  router.post('/register-required-action', registerRequiredAction);
  router.get('/required-actions/:alias', getRequiredAction);
  router.put('/required-actions/:alias', updateRequiredAction);
  router.delete('/required-actions/:alias', deleteRequiredAction);
  router.post('/required-actions/:alias/raise-priority', moveRequiredAction(-1));
  router.post('/required-actions/:alias/lower-priority', moveRequiredAction(1));
  router.get('/required-actions/:alias/config-description', getActionConfigDescription);
  router.get('/required-actions/:alias/config', getActionConfig);
  router.put('/required-actions/:alias/config', updateActionConfig);
  router.delete('/required-actions/:alias/config', deleteActionConfig);
};
