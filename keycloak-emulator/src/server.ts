/** Starts the emulator: an express app over an EmulatorState, on a port of its own. */
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { accountRouter } from './account/routes.js';
import { importRealm } from './admin/realm-import.js';
import { adminRouter } from './admin/router.js';
import { errorMiddleware, routeNotFound } from './http/errors.js';
import { FaultInjector } from './http/faults.js';
import { smtpActionMailer } from './login/action-links.js';
import { loginRouter } from './login/routes.js';
import { oidcRouter } from './oidc/routes.js';
import { newPasswordCredential } from './state/credentials.js';
import { EmulatorState, indexUser, MASTER_REALM, newUser } from './state/store.js';

export interface EmulatorOptions {
  /** 0 (default) picks a free port */
  port?: number;
  host?: string;
  /** the bootstrap admin of the master realm (Keycloak's KC_BOOTSTRAP_ADMIN_USERNAME/PASSWORD) */
  adminUsername?: string;
  adminPassword?: string;
  /** realm export documents (RealmRepresentation JSON) imported at start, as `--import-realm` does */
  realms?: Record<string, unknown>[];
  /** per-request latency in ms, to act like a Keycloak across a network */
  latencyMs?: number;
}

export interface Emulator {
  /** base URL, e.g. http://127.0.0.1:41234 (no trailing slash) */
  url: string;
  port: number;
  state: EmulatorState;
  faults: FaultInjector;
  close(): Promise<void>;
}

export const createState = (options: EmulatorOptions = {}): EmulatorState => {
  const state = new EmulatorState();
  state.actionMailer = smtpActionMailer;
  // Keycloak gives master's access tokens a one-minute lifespan.
  const master = state.createRealm(MASTER_REALM, MASTER_REALM, {
    accessTokenLifespan: 60,
    displayName: 'Keycloak',
    displayNameHtml: '<div class="kc-logo-text"><span>Keycloak</span></div>',
  });
  const admin = newUser({ username: (options.adminUsername ?? 'admin').toLowerCase() });
  admin.credentials.push(newPasswordCredential(options.adminPassword ?? 'admin'));
  admin.attributes = { is_temporary_admin: ['true'] };
  for (const name of ['admin', 'default-roles-master']) {
    const role = master.roles.get(name);
    if (role) admin.realmRoleIds.add(role.id);
  }
  indexUser(master, admin);
  for (const realm of options.realms ?? []) importRealm(state, realm);
  return state;
};

export const createApp = (state: EmulatorState, faults: FaultInjector): Express => {
  const app = express();
  app.disable('x-powered-by');
  app.set('case sensitive routing', true);
  app.set('etag', false);
  app.use(faults.middleware());
  app.use('/realms/:realm', oidcRouter(state));
  app.use('/realms/:realm', loginRouter(state));
  app.use('/realms/:realm', accountRouter(state));
  app.use(adminRouter(state));
  app.use(routeNotFound);
  app.use(errorMiddleware);
  return app;
};

export const startEmulator = async (options: EmulatorOptions = {}): Promise<Emulator> => {
  const state = createState(options);
  const faults = new FaultInjector();
  faults.latencyMs = options.latencyMs ?? 0;
  const app = createApp(state, faults);
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = app.listen(options.port ?? 0, host, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 5_000;
  const port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    state,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
