/**
 * `/admin/realms/{realm}/users`: list, count, create, read, update, delete; the user profile;
 * credentials (list, delete, rename, reorder); logout, password reset, sessions; the emails with
 * action links (execute-actions, verify-email); consents, offline sessions and identity links. Role mappings and group memberships of a user are
 * mounted by admin/router.ts.
 */
import { Router } from 'express';
import { actionEmailRoutes } from './action-emails.js';
import { credentialRoutes } from './credentials.js';
import { collectionRoutes, singleUserRoutes } from './crud.js';
import { userLinksRouter } from './links.js';
import { profileRoutes } from './profile.js';
import { sessionRoutes } from './sessions.js';

export const usersRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  collectionRoutes(router);
  profileRoutes(router); // before /:id, which would take "profile" for an id
  singleUserRoutes(router);
  credentialRoutes(router);
  sessionRoutes(router);
  actionEmailRoutes(router);
  router.use('/', userLinksRouter());
  return router;
};
