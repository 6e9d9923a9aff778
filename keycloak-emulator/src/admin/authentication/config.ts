/** Authenticator configs: read, update, delete (unlinking it from its executions), and config descriptions. */
import type { Request, Response, Router } from 'express';
import { authenticatorProvider } from '../../flows/providers.js';
import { notFound } from '../../http/errors.js';
import { adminContext } from '../context.js';
import { str } from '../route-helpers.js';
import { body, manageRealm, stringMap, validateAlias, viewRealm } from './common.js';
import { CONFIG_PROPERTIES } from './descriptions.js';
import { configFor } from './model.js';
import { configRepresentation } from './representation.js';

const getConfig = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  viewRealm(ctx);
  res.json(configRepresentation(configFor(ctx.realm, req.params.id)));
};

const updateConfig = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  const rep = body(req);
  validateAlias(str(rep.alias));
  const config = configFor(ctx.realm, req.params.id);
  config.alias = str(rep.alias) ?? config.alias;
  config.config = stringMap(rep.config);
  ctx.event({
    operationType: 'UPDATE',
    resourceType: 'AUTHENTICATOR_CONFIG',
    resourcePath: `authentication/config/${config.id}`,
    representation: rep,
  });
  res.status(204).end();
};

const deleteConfig = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  manageRealm(ctx);
  const config = configFor(ctx.realm, req.params.id);
  for (const execution of ctx.realm.executions.values())
    if (execution.authenticatorConfigId === config.id) delete execution.authenticatorConfigId;
  ctx.realm.authenticatorConfigs.delete(config.id);
  ctx.event({
    operationType: 'DELETE',
    resourceType: 'AUTHENTICATOR_CONFIG',
    resourcePath: `authentication/config/${config.id}`,
  });
  res.status(204).end();
};

const getConfigDescription = (req: Request<{ providerId: string }>, res: Response) => {
  viewRealm(adminContext(res));
  const provider = authenticatorProvider(req.params.providerId);
  if (!provider?.configurable) throw notFound('Could not find authenticator provider');
  res.json({
    providerId: provider.id,
    name: provider.displayName,
    helpText: provider.description,
    properties: CONFIG_PROPERTIES[provider.id] ?? [],
  });
};

export const configRoutes = (router: Router): void => {
  router.get('/executions/:executionId/config/:id', getConfig);
  router.get('/config/:id', getConfig);
  router.put('/config/:id', updateConfig);
  router.delete('/config/:id', deleteConfig);
  router.get('/config-description/:providerId', getConfigDescription);
};
