/**
 * Executions: a flow's executions (flattened with level and index), adding executions and subflows,
 * changing a requirement or priority, raising and lowering, deleting, and attaching a config. Built-in
 * flows can't gain, lose or reorder executions. New executions go last and start DISABLED unless the
 * provider offers a single requirement.
 */
import { randomUUID } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { authenticatorProvider, providerKind } from '../../flows/providers.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import type { ExecutionModel, FlowModel, Requirement } from '../../state/model.js';
import { executionsOf, flowByAlias } from '../../state/store.js';
import { type AdminContext, adminContext } from '../context.js';
import { str } from '../route-helpers.js';
import {
  body,
  created,
  FLOW_TYPES,
  illegal,
  type Json,
  manageRealm,
  REQUIREMENTS,
  stringMap,
  validateAlias,
  viewRealm,
} from './common.js';
import {
  addConfig,
  addFlow,
  deleteExecutionDeep,
  executionFor,
  nextPriority,
  parentOf,
  subflowOf,
  swapWithNeighbour,
} from './model.js';
import { executionInfos, executionRepresentation, flowRepresentation } from './representation.js';

const listExecutions = (req: Request<{ alias: string }>, res: Response) => {
  const ctx = adminContext(res);
  viewRealm(ctx);
  const flow = flowByAlias(ctx.realm, req.params.alias);
  if (!flow) {
    res.status(404).end();
    return;
  }
  res.json(executionInfos(ctx.realm, flow));
};

/** A new priority (Keycloak 25+) or a subflow's new name and description; true when something changed. */
const applyExecutionUpdate = (ctx: AdminContext, execution: ExecutionModel, rep: Json): boolean => {
  if (typeof rep.priority === 'number' && Number.isInteger(rep.priority) && rep.priority !== execution.priority) {
    if (parentOf(ctx.realm, execution).builtIn) throw illegal('It is illegal to modify execution in a built in flow');
    execution.priority = rep.priority;
    return true;
  }
  if (rep.authenticationFlow === true && execution.flowId) {
    const sub = subflowOf(ctx.realm, execution.flowId);
    const displayName = str(rep.displayName);
    if (displayName && displayName !== sub.alias) {
      if (flowByAlias(ctx.realm, displayName)) throw conflict('Flow alias name already exists');
      sub.alias = displayName;
    }
    if (typeof rep.description === 'string') sub.description = rep.description;
    return true;
  }
  return false;
};

const updateExecution = (req: Request<{ alias: string }>, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  const flow = flowByAlias(ctx.realm, req.params.alias);
  if (!flow) throw notFound('flow not found');
  const rep = body(req);
  const execution = executionFor(ctx.realm, String(rep.id ?? ''));
  const requirement = str(rep.requirement);
  if (requirement !== undefined && !REQUIREMENTS.includes(requirement as Requirement))
    throw badRequest(`Invalid requirement: ${requirement}`);
  const event = () =>
    ctx.event({
      operationType: 'UPDATE',
      resourceType: 'AUTH_EXECUTION',
      resourcePath: `authentication/flows/${flow.alias}/executions`,
      representation: rep,
    });
  // A requirement change is all Keycloak applies from this call; otherwise (25+) a new priority.
  if (requirement && requirement !== execution.requirement) {
    execution.requirement = requirement as Requirement;
    event();
  } else if (applyExecutionUpdate(ctx, execution, rep)) event();
  res.status(202).json(flowRepresentation(ctx.realm, flow));
};

/** The provider kind a flow type takes as executions. */
const executionKindOf = (parent: FlowModel) =>
  parent.providerId === 'client-flow' ? 'client' : parent.providerId === 'form-flow' ? 'form-action' : 'authenticator';

const addExecution = (req: Request<{ alias: string }>, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  const parent = flowByAlias(ctx.realm, req.params.alias);
  if (!parent) throw illegal("Parent flow doesn't exist");
  if (parent.builtIn) throw illegal('It is illegal to add execution to a built in flow');
  const rep = body(req);
  const providerId = str(rep.provider) ?? '';
  const provider = authenticatorProvider(providerId);
  if (!provider || providerKind(providerId) !== executionKindOf(parent))
    throw illegal(`No authentication provider found for id: ${providerId}`);
  const execution: ExecutionModel = {
    id: randomUUID(),
    parentFlowId: parent.id,
    authenticator: providerId,
    requirement:
      provider.requirementChoices.length === 1 ? (provider.requirementChoices[0] as Requirement) : 'DISABLED',
    priority: nextPriority(ctx.realm, parent.id),
  };
  ctx.realm.executions.set(execution.id, execution);
  ctx.event({
    operationType: 'CREATE',
    resourceType: 'AUTH_EXECUTION',
    resourcePath: `authentication/flows/${parent.alias}/executions/execution`,
    representation: { ...rep, id: execution.id },
  });
  created(req, res, `executions/${execution.id}`);
};

const addSubflow = (req: Request<{ alias: string }>, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  const parent = flowByAlias(ctx.realm, req.params.alias);
  if (!parent) throw badRequest("Parent flow doesn't exist");
  if (parent.builtIn) throw illegal('It is illegal to add sub-flow to a built in flow');
  const rep = body(req);
  const alias = str(rep.alias);
  if (!alias) throw badRequest('Flow alias is missing');
  if (flowByAlias(ctx.realm, alias)) throw conflict('New flow alias name already exists');
  validateAlias(alias);
  const type = FLOW_TYPES.find((t) => t === rep.type);
  if (!type) throw badRequest(`Invalid flow type: ${String(rep.type)}`);
  const sub = addFlow(ctx.realm, {
    alias,
    description: str(rep.description) ?? '',
    providerId: type,
    topLevel: false,
    builtIn: false,
  });
  const execution: ExecutionModel = {
    id: randomUUID(),
    parentFlowId: parent.id,
    flowId: sub.id,
    requirement: 'DISABLED',
    priority: nextPriority(ctx.realm, parent.id),
    ...(type === 'form-flow' && str(rep.provider) ? { authenticator: str(rep.provider) } : {}),
  };
  ctx.realm.executions.set(execution.id, execution);
  ctx.event({
    operationType: 'CREATE',
    resourceType: 'AUTH_EXECUTION_FLOW',
    resourcePath: `authentication/flows/${parent.alias}/executions/flow`,
    representation: { ...rep, id: execution.id },
  });
  created(req, res, `flows/${sub.id}`);
};

const getExecution = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  res.json(executionRepresentation(executionFor(ctx.realm, req.params.id)));
};

const deleteExecution = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  const execution = executionFor(ctx.realm, req.params.id);
  if (parentOf(ctx.realm, execution).builtIn) throw illegal('It is illegal to remove execution from a built in flow');
  deleteExecutionDeep(ctx.realm, execution);
  ctx.event({
    operationType: 'DELETE',
    resourceType: 'AUTH_EXECUTION',
    resourcePath: `authentication/executions/${execution.id}`,
  });
  res.status(204).end();
};

/** Swaps priorities with the neighbour above (-1) or below (+1); nothing at either end. */
const moveExecution = (direction: -1 | 1) => (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  const execution = executionFor(ctx.realm, String(req.params.id));
  const parent = parentOf(ctx.realm, execution);
  if (parent.builtIn) throw illegal('It is illegal to modify execution in a built in flow');
  if (swapWithNeighbour(executionsOf(ctx.realm, parent.id), execution, direction)) {
    ctx.event({
      operationType: 'UPDATE',
      resourceType: 'AUTH_EXECUTION',
      resourcePath: `authentication/executions/${execution.id}/${direction < 0 ? 'raise' : 'lower'}-priority`,
    });
  }
  res.status(204).end();
};

const addExecutionConfig = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  const rep = body(req);
  const alias = str(rep.alias);
  validateAlias(alias);
  const execution = executionFor(ctx.realm, req.params.id);
  if (!alias) throw badRequest('Alias missing');
  const config = addConfig(ctx.realm, alias, stringMap(rep.config));
  execution.authenticatorConfigId = config.id;
  ctx.event({
    operationType: 'CREATE',
    resourceType: 'AUTH_EXECUTION',
    resourcePath: `authentication/executions/${execution.id}/config`,
    representation: { ...rep, id: config.id },
  });
  created(req, res, `executions/${execution.id}/config/${config.id}`);
};

export const executionRoutes = (router: Router): void => {
  router.get('/flows/:alias/executions', listExecutions);
  router.put('/flows/:alias/executions', updateExecution);
  router.post('/flows/:alias/executions/execution', addExecution);
  router.post('/flows/:alias/executions/flow', addSubflow);
  router.get('/executions/:id', getExecution);
  router.delete('/executions/:id', deleteExecution);
  router.post('/executions/:id/raise-priority', moveExecution(-1));
  router.post('/executions/:id/lower-priority', moveExecution(1));
  router.post('/executions/:id/config', addExecutionConfig);
};
