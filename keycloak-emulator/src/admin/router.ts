/** The admin REST API: `/admin/realms/...`, authenticated, each resource in its own module. */
import express, { Router } from 'express';
import type { EmulatorState } from '../state/store.js';
import { attackDetectionRouter } from './attack-detection.js';
import { authenticationRouter } from './authentication/index.js';
import { clientScopesRouter, realmDefaultScopesRouter } from './client-scopes/router.js';
import { clientsRouter } from './clients.js';
import { consoleRouter } from './console.js';
import { authenticate, realmAccess } from './context.js';
import { eventsRouter } from './events.js';
import { groupByPathRouter, groupsRouter } from './groups/router.js';
import { userGroupsRouter } from './groups/user-groups.js';
import { realmExtrasRouter } from './realm-extras.js';
import { realmRouter, realmsCollectionRouter } from './realms.js';
import { rolesByIdRouter } from './roles/by-id.js';
import { rolesRouter } from './roles/container.js';
import { userRoleMappingsRouter } from './roles/mappings.js';
import { usersRouter } from './users/router.js';

export const adminRouter = (state: EmulatorState): Router => {
  const router = Router({ caseSensitive: true });
  // Realm imports carry whole user bases; everything else is small.
  router.use('/admin/realms/:realm/partialImport', express.json({ limit: '512mb' }));
  router.use('/admin/realms', express.json({ limit: '10mb' }), express.text({ type: 'text/plain', limit: '64kb' }));
  router.use('/admin/realms', authenticate(state));
  router.use('/admin/realms', realmsCollectionRouter(state));
  router.use(consoleRouter(state));

  const realm = Router({ mergeParams: true, caseSensitive: true });
  realm.use(realmAccess(state));
  realm.use('/users/:id/role-mappings', userRoleMappingsRouter());
  realm.use('/users/:id/groups', userGroupsRouter());
  realm.use('/users', usersRouter());
  realm.use('/attack-detection', attackDetectionRouter());
  realm.use('/clients', clientsRouter());
  realm.use('/client-scopes', clientScopesRouter());
  realm.use('/', realmDefaultScopesRouter());
  realm.use('/roles', rolesRouter());
  realm.use('/roles-by-id', rolesByIdRouter());
  realm.use('/groups', groupsRouter());
  realm.use('/group-by-path', groupByPathRouter());
  realm.use('/authentication', authenticationRouter());
  realm.use('/', eventsRouter());
  realm.use('/', realmExtrasRouter());
  realm.use('/', realmRouter(state));
  router.use('/admin/realms/:realm', realm);
  return router;
};
