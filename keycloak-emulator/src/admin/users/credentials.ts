/** A user's credentials: list, delete, rename, reorder, and the credential types an admin may disable. */
import type { Request, Response, Router } from 'express';
import { KeycloakHttpError, notFound } from '../../http/errors.js';
import type { UserModel } from '../../state/model.js';
import { adminContext } from '../context.js';
import { userFor } from './route-context.js';

type CredentialParams = { id: string; credentialId: string };

const credentialOf = (user: UserModel, credentialId: string) => {
  const credential = user.credentials.find((c) => c.id === credentialId);
  if (!credential) throw notFound('Credential not found');
  return credential;
};

/** Puts a credential first (no previous) or after another, renumbering priorities 10, 20, ... */
const moveAfter = (user: UserModel, credentialId: string, previousId: string | undefined) => {
  const ordered = [...user.credentials].sort((a, b) => a.priority - b.priority);
  const moving = ordered.find((c) => c.id === credentialId);
  if (!moving) throw notFound('Credential not found');
  const rest = ordered.filter((c) => c !== moving);
  const at = previousId === undefined ? 0 : rest.findIndex((c) => c.id === previousId) + 1;
  if (previousId !== undefined && at === 0) throw notFound('Credential not found');
  rest.splice(at, 0, moving);
  rest.forEach((c, i) => {
    c.priority = (i + 1) * 10;
  });
  user.credentials = rest;
};

const listCredentials = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  const user = userFor(ctx, req.params.id);
  ctx.require('view-users', 'manage-users');
  res.json(
    [...user.credentials]
      .sort((a, b) => a.priority - b.priority)
      .map((c) => ({
        id: c.id,
        type: c.type,
        ...(c.userLabel ? { userLabel: c.userLabel } : {}),
        createdDate: c.createdDate,
        credentialData: c.credentialData,
      })),
  );
};

const deleteCredential = (req: Request<CredentialParams>, res: Response) => {
  const ctx = adminContext(res);
  const user = userFor(ctx, req.params.id);
  ctx.require('manage-users');
  const credential = credentialOf(user, req.params.credentialId);
  user.credentials = user.credentials.filter((c) => c !== credential);
  ctx.event({
    operationType: 'ACTION',
    resourceType: 'USER',
    resourcePath: `users/${user.id}/credentials/${credential.id}`,
    details: {
      credential_id: credential.id,
      credential_type: credential.type,
      ...(credential.userLabel ? { credential_user_label: credential.userLabel } : {}),
    },
  });
  res.status(204).end();
};

const renameCredential = (req: Request<CredentialParams>, res: Response) => {
  const ctx = adminContext(res);
  const user = userFor(ctx, req.params.id);
  ctx.require('manage-users');
  const credential = credentialOf(user, req.params.credentialId);
  const label = typeof req.body === 'string' ? req.body.trim() : '';
  if (!label)
    throw new KeycloakHttpError(400, {
      error: 'missingCredentialLabel',
      error_description: 'Credential label must not be empty',
    });
  credential.userLabel = label;
  res.status(204).end();
};

const moveCredential = (req: Request<CredentialParams & { previousId?: string }>, res: Response) => {
  const ctx = adminContext(res);
  const user = userFor(ctx, req.params.id);
  ctx.require('manage-users');
  moveAfter(user, req.params.credentialId, req.params.previousId);
  res.status(204).end();
};

const listStorageCredentialTypes = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  userFor(ctx, req.params.id);
  ctx.require('view-users', 'manage-users');
  res.json([]);
};

const disableCredentialTypes = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  const user = userFor(ctx, req.params.id);
  ctx.require('manage-users');
  const types = Array.isArray(req.body) ? (req.body as unknown[]).map(String) : [];
  user.credentials = user.credentials.filter((c) => c.type === 'password' || !types.includes(c.type));
  res.status(204).end();
};

export const credentialRoutes = (router: Router): void => {
  router.get('/:id/credentials', listCredentials);
  router.delete('/:id/credentials/:credentialId', deleteCredential);
  router.put('/:id/credentials/:credentialId/userLabel', renameCredential);
  router.post('/:id/credentials/:credentialId/moveToFirst', moveCredential);
  router.post('/:id/credentials/:credentialId/moveAfter/:previousId', moveCredential);
  router.get('/:id/configured-user-storage-credential-types', listStorageCredentialTypes);
  router.put('/:id/disable-credential-types', disableCredentialTypes);
};
