/** What the user routes share: the user a path names, the caller's access to users, the request body. */
import type { Request } from 'express';
import { badRequest, forbidden, notFound } from '../../http/errors.js';
import type { UserModel } from '../../state/model.js';
import type { AdminContext } from '../context.js';

/** The user a path names. Unknown ids answer 404 only to callers who may query users (no probing). */
export const userFor = (ctx: AdminContext, id: string): UserModel => {
  const user = ctx.realm.users.get(id);
  if (user) return user;
  if (ctx.can('query-users')) throw notFound('User not found');
  throw forbidden();
};

/** The `access` block of a full UserRepresentation. */
export const fullAccess = (ctx: AdminContext) => {
  const manage = ctx.can('manage-users');
  return {
    view: manage || ctx.can('view-users'),
    manage,
    mapRoles: manage,
    manageGroupMembership: manage,
    impersonate: ctx.can('impersonation'),
    resetPassword: manage,
  };
};

export const body = (req: Request): Record<string, unknown> => {
  if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body))
    throw badRequest('Invalid user representation');
  return req.body as Record<string, unknown>;
};
