/** The realm's user profile configuration and the metadata the admin console builds its forms from. */
import type { Request, Response, Router } from 'express';
import { badRequest } from '../../http/errors.js';
import { adminContext } from '../context.js';
import { body } from './route-context.js';

const getProfile = (_req: Request, res: Response) => {
  const ctx = adminContext(res);
  res.json(ctx.realm.userProfile);
};

const getProfileMetadata = (_req: Request, res: Response) => {
  const ctx = adminContext(res);
  const attributes = ((ctx.realm.userProfile.attributes ?? []) as Record<string, unknown>[]).map((a) => ({
    name: a.name,
    displayName: a.displayName,
    required: Boolean(a.required),
    readOnly: false,
    validators: a.validations ?? {},
    multivalued: a.multivalued ?? false,
  }));
  res.json({ attributes, groups: ctx.realm.userProfile.groups ?? [] });
};

const putProfile = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  ctx.require('manage-realm');
  const config = body(req);
  if (!Array.isArray(config.attributes))
    throw badRequest('Invalid user profile configuration: attributes are required');
  ctx.realm.userProfile = structuredClone(config);
  ctx.event({
    operationType: 'UPDATE',
    resourceType: 'USER_PROFILE',
    resourcePath: 'users/profile',
    representation: config,
  });
  res.json(ctx.realm.userProfile);
};

export const profileRoutes = (router: Router): void => {
  router.get('/profile', getProfile);
  router.get('/profile/metadata', getProfileMetadata);
  router.put('/profile', putProfile);
};
