/**
 * Top-level flows: list, create, read, update, delete, copy. Built-in flows can't be deleted: copy
 * them and bind the copy; a bound flow can't be deleted either, and a rename keeps it bound.
 */
import type { Request, Response, Router } from 'express';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import { flowByAlias } from '../../state/store.js';
import { adminContext } from '../context.js';
import { str } from '../route-helpers.js';
import { body, created, FLOW_TYPES, illegal, manageRealm, validateAlias, viewRealm } from './common.js';
import { addFlow, boundAs, copyExecutions, deleteFlowDeep, flowById } from './model.js';
import { flowRepresentation } from './representation.js';

const listFlows = (_req: Request, res: Response) => {
  const ctx = adminContext(res);
  viewRealm(ctx);
  res.json(
    [...ctx.realm.flows.values()]
      .filter((flow) => flow.topLevel && flow.alias !== 'saml ecp')
      .map((flow) => flowRepresentation(ctx.realm, flow)),
  );
};

const createFlow = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  const rep = body(req);
  const alias = str(rep.alias);
  if (!alias) throw conflict('Failed to create flow with empty alias name');
  if (flowByAlias(ctx.realm, alias)) throw conflict(`Flow ${alias} already exists`);
  validateAlias(alias);
  const providerId = FLOW_TYPES.find((t) => t === rep.providerId) ?? 'basic-flow';
  const flow = addFlow(ctx.realm, {
    alias,
    description: str(rep.description) ?? '',
    providerId,
    topLevel: rep.topLevel !== false,
    builtIn: false,
  });
  ctx.event({
    operationType: 'CREATE',
    resourceType: 'AUTH_FLOW',
    resourcePath: `authentication/flows/${flow.id}`,
    representation: { ...rep, id: flow.id },
  });
  created(req, res, `flows/${flow.id}`);
};

const getFlow = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  viewRealm(ctx);
  res.json(flowRepresentation(ctx.realm, flowById(ctx.realm, req.params.id)));
};

const updateFlow = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  const flow = flowById(ctx.realm, req.params.id);
  const rep = body(req);
  const alias = str(rep.alias);
  if (!alias) throw conflict('Failed to update flow with empty alias name');
  validateAlias(alias);
  if (alias !== flow.alias && flowByAlias(ctx.realm, alias)) throw conflict('Flow alias name already exists');
  // Renaming a bound flow keeps it bound, as the binding follows the flow in Keycloak's model.
  const binding = boundAs(ctx.realm, flow);
  flow.alias = alias;
  if (binding) ctx.realm.settings[binding] = alias;
  if (typeof rep.description === 'string') flow.description = rep.description;
  const representation = flowRepresentation(ctx.realm, flow);
  ctx.event({
    operationType: 'UPDATE',
    resourceType: 'AUTH_FLOW',
    resourcePath: `authentication/flows/${flow.id}`,
    representation,
  });
  res.status(202).json({ ...rep, id: flow.id });
};

const deleteFlow = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  const flow = ctx.realm.flows.get(req.params.id);
  if (!flow) throw notFound('Flow not found');
  if (flow.builtIn) throw illegal("Can't delete built in flow");
  if (boundAs(ctx.realm, flow)) throw badRequest('Cannot delete flow, it is used in realm flow bindings');
  deleteFlowDeep(ctx.realm, flow);
  ctx.event({ operationType: 'DELETE', resourceType: 'AUTH_FLOW', resourcePath: `authentication/flows/${flow.id}` });
  res.status(204).end();
};

const copyFlow = (req: Request<{ alias: string }>, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  const rep = body(req);
  const newName = str(rep.newName);
  if (newName !== undefined && flowByAlias(ctx.realm, newName)) throw conflict('New flow alias name already exists');
  const flow = flowByAlias(ctx.realm, req.params.alias);
  if (!flow) throw notFound('Flow not found');
  if (!newName) throw conflict('Failed to create flow with empty alias name');
  validateAlias(newName);
  const copy = addFlow(ctx.realm, {
    alias: newName,
    description: flow.description,
    providerId: flow.providerId,
    topLevel: flow.topLevel,
    builtIn: false,
  });
  copyExecutions(ctx.realm, newName, flow, copy);
  ctx.event({
    operationType: 'CREATE',
    resourceType: 'AUTH_FLOW',
    resourcePath: `authentication/flows/${req.params.alias}/copy`,
    representation: { ...rep, id: copy.id },
  });
  res.status(201).end();
};

export const flowRoutes = (router: Router): void => {
  router.get('/flows', listFlows);
  router.post('/flows', createFlow);
  router.get('/flows/:id', getFlow);
  router.put('/flows/:id', updateFlow);
  router.delete('/flows/:id', deleteFlow);
  router.post('/flows/:alias/copy', copyFlow);
};
