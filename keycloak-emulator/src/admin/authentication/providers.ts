/** The provider lists the admin console offers when adding executions and choosing client authenticators. */
import type { Request, Response, Router } from 'express';
import { type providerKind, providersOfKind } from '../../flows/providers.js';
import { adminContext } from '../context.js';
import { viewRealm } from './common.js';

const providerList = (kind: ReturnType<typeof providerKind>) => (_req: Request, res: Response) => {
  viewRealm(adminContext(res));
  res.json(providersOfKind(kind).map((p) => ({ id: p.id, displayName: p.displayName, description: p.description })));
};

const listClientAuthenticators = (_req: Request, res: Response) => {
  adminContext(res).require('view-realm', 'manage-realm', 'view-clients', 'manage-clients');
  res.json(
    providersOfKind('client').map((p) => ({
      id: p.id,
      displayName: p.displayName,
      description: p.description,
      supportsSecret: p.id === 'client-secret' || p.id === 'client-secret-jwt',
    })),
  );
};

export const providerRoutes = (router: Router): void => {
  router.get('/authenticator-providers', providerList('authenticator'));
  router.get('/form-providers', providerList('form'));
  router.get('/form-action-providers', providerList('form-action'));
  router.get('/client-authenticator-providers', listClientAuthenticators);
};
