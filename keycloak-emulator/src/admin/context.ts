/**
 * Who is calling the admin API and what they may do. Keycloak decides from the caller's role mappings
 * (not the token's role claims): a master-realm user with the `admin` role may do everything; anyone
 * else needs roles of their own realm's `realm-management` client (or of `<realm>-realm` in master).
 */
import type { Request, RequestHandler, Response } from 'express';
import { type AdminEventInput, recordAdminEvent } from '../events/recorder.js';
import { forbidden, unauthorized } from '../http/errors.js';
import { type AccessTokenCaller, verifyAccessToken } from '../oidc/tokens.js';
import type { RealmModel } from '../state/model.js';
import type { AdminRole } from '../state/realm-defaults.js';
import { effectiveRoles } from '../state/roles.js';
import { clientByClientId, type EmulatorState, MASTER_REALM } from '../state/store.js';

export class AdminContext {
  private readonly roleNames: Set<string>;
  readonly isMasterAdmin: boolean;

  constructor(
    readonly state: EmulatorState,
    readonly caller: AccessTokenCaller,
    readonly realm: RealmModel,
    readonly ipAddress: string,
  ) {
    const roles = effectiveRoles(caller.realm, caller.user);
    const managementClientId = caller.realm.name === MASTER_REALM ? `${realm.name}-realm` : 'realm-management';
    const managementClient = clientByClientId(caller.realm, managementClientId);
    this.roleNames = new Set();
    let masterAdmin = false;
    for (const role of roles.values()) {
      if (!role.clientRole && caller.realm.name === MASTER_REALM && role.name === 'admin') masterAdmin = true;
      if (role.clientRole && managementClient && role.containerId === managementClient.id)
        this.roleNames.add(role.name);
    }
    this.isMasterAdmin = masterAdmin;
  }

  can(role: AdminRole): boolean {
    return this.isMasterAdmin || this.roleNames.has(role) || this.roleNames.has('realm-admin');
  }

  canAny(...roles: AdminRole[]): boolean {
    return roles.some((r) => this.can(r));
  }

  /** true when the caller holds any admin role for this realm */
  isAnyAdmin(): boolean {
    return this.isMasterAdmin || this.roleNames.size > 0;
  }

  require(...anyOf: AdminRole[]): void {
    if (!this.canAny(...anyOf)) throw forbidden();
  }

  /** records an admin event authored by the caller */
  event(input: Omit<AdminEventInput, 'authDetails'>): void {
    recordAdminEvent(this.realm, {
      ...input,
      authDetails: {
        realmId: this.caller.realm.id,
        ...(this.caller.client ? { clientId: this.caller.client.id } : {}),
        userId: this.caller.user.id,
        ipAddress: this.ipAddress,
      },
    });
  }
}

const bearer = (req: Request) => {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
};

/** 401 unless the request carries a valid access token; stores the caller for later checks. */
export const authenticate =
  (state: EmulatorState): RequestHandler =>
  (req, res, next) => {
    const token = bearer(req);
    const caller = token ? verifyAccessToken(state, token) : undefined;
    if (!caller) throw unauthorized();
    res.locals.caller = caller;
    next();
  };

/** Resolves `:realm` (404 when missing) and checks the caller may administer it (403 otherwise). */
export const realmAccess =
  (state: EmulatorState): RequestHandler =>
  (req, res, next) => {
    const caller = res.locals.caller as AccessTokenCaller;
    const realm = state.realm(String(req.params.realm));
    if (caller.realm.name !== MASTER_REALM && caller.realm !== realm) throw forbidden();
    const context = new AdminContext(state, caller, realm, req.ip ?? '127.0.0.1');
    if (!context.isAnyAdmin()) throw forbidden();
    res.locals.admin = context;
    next();
  };

export const adminContext = (res: Response): AdminContext => res.locals.admin as AdminContext;
