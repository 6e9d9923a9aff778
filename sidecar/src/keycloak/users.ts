/**
 * The realm's users as the sidecar reads and changes them, each call through the connection under the
 * operation name its metrics carry. Writes re-read the user first where they must keep what else the
 * user has (required actions); emails are sent at most once.
 */
import type CredentialRepresentation from '@keycloak/keycloak-admin-client/lib/defs/credentialRepresentation.js';
import type UserConsentRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userConsentRepresentation.js';
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import { CONFIGURE_TOTP, isLinkOnly, withOtpSetup } from '../enforcement/policy.js';
import type { KeycloakConnection } from './connection.js';
import { unlessGone, whenStatus } from './errors.js';
import { PAGE_SIZE, pages } from './paging.js';

/** What an actions email asks the user to do, and where its link leads. */
export interface ActionsEmail {
  actions: string[];
  /** seconds the link stays valid */
  lifespan: number;
  clientId: string;
  redirectUri?: string;
}

/** GET …/users/{id}/consents: the admin client's type lacks `additionalGrants` (UserResource#toConsent). */
type ConsentWithGrants = UserConsentRepresentation & { additionalGrants?: { client: string; key: string }[] };
const OFFLINE_TOKEN = 'Offline Token';

const isOtp = (credential: CredentialRepresentation) => credential.type === 'otp';

/**
 * The user's language as Keycloak keeps it: the attribute `locale` (first value), present when the realm has
 * internationalization on. Full representations (get, the list with `briefRepresentation: false`) carry it.
 */
export const localeOf = (user: UserRepresentation | undefined): string | undefined => {
  const value = (user?.attributes?.locale as unknown[] | undefined)?.[0];
  return typeof value === 'string' && value ? value : undefined;
};

export class KeycloakUsers {
  constructor(private readonly keycloak: KeycloakConnection) {}

  private get realm() {
    return this.keycloak.realm;
  }

  /** The realm's users in full representation (with `totp`), a page at a time, from position `from`. */
  pages(
    options: { pageSize?: number; signal?: AbortSignal; from?: number } = {},
  ): AsyncGenerator<UserRepresentation[]> {
    const from = options.from ?? 0;
    return pages(
      (first, max) =>
        this.keycloak.call('listUsers', (c) =>
          c.users.find({ realm: this.realm, first: from + first, max, briefRepresentation: false }),
        ),
      options.pageSize ?? PAGE_SIZE,
      options.signal,
    );
  }

  /** Users whose username, email or name contains `search`, in full representation. */
  search(search: string, first: number, max: number): Promise<UserRepresentation[]> {
    return this.keycloak.call('searchUsers', (c) =>
      c.users.find({ realm: this.realm, search, first, max, briefRepresentation: false }),
    );
  }

  /** The user with exactly this email (when it holds an @) or username. */
  async byIdentifier(identifier: string): Promise<UserRepresentation | undefined> {
    const lookup = identifier.includes('@') ? { email: identifier } : { username: identifier };
    const [user] = await this.keycloak.call('findUser', (c) =>
      c.users.find({ realm: this.realm, ...lookup, exact: true, max: 2 }),
    );
    return user;
  }

  get(id: string): Promise<UserRepresentation | undefined> {
    return this.keycloak.call('getUser', (c) => c.users.findOne({ realm: this.realm, id }));
  }

  /** The user, or undefined when deleted (a 404 still counts as a client error in the metrics). */
  async getIfExists(id: string): Promise<UserRepresentation | undefined> {
    return (await unlessGone(this.get(id))) ?? undefined;
  }

  credentials(id: string): Promise<CredentialRepresentation[]> {
    return this.keycloak.call('getCredentials', (c) => c.users.getCredentials({ realm: this.realm, id }));
  }

  async otpCredentials(id: string): Promise<CredentialRepresentation[]> {
    return (await this.credentials(id)).filter(isOtp);
  }

  /** The user's OTP credentials now; none when the user is gone. */
  async otpCredentialsIfExists(id: string): Promise<CredentialRepresentation[]> {
    const credentials = await this.keycloak.call('getCredentials', (c) =>
      c.users.getCredentials({ realm: this.realm, id }).catch(whenStatus(404, [])),
    );
    return credentials.filter(isOtp);
  }

  deleteCredential(id: string, credentialId: string): Promise<void> {
    return this.keycloak.call('deleteCredential', (c) =>
      c.users.deleteCredential({ realm: this.realm, id, credentialId }),
    );
  }

  /** Deletes the credential; one already gone (an earlier attempt removed it) is no error. */
  async deleteCredentialIfExists(id: string, credentialId: string): Promise<void> {
    await this.keycloak.call('deleteCredential', (c) =>
      unlessGone(c.users.deleteCredential({ realm: this.realm, id, credentialId })),
    );
  }

  /**
   * Adds CONFIGURE_TOTP to the freshest representation, so nothing else the user has is overwritten.
   * Returns the user when it was added; undefined when the user is gone, has OTP or already has the action.
   */
  async requireOtpSetup(id: string): Promise<UserRepresentation | undefined> {
    const user = await this.get(id);
    // A link-only user enrols through the emailed link alone (policy.ts): never a standing CONFIGURE_TOTP.
    if (!user || user.totp || isLinkOnly(user) || user.requiredActions?.includes(CONFIGURE_TOTP)) return undefined;
    await this.updateRequiredActions(id, user);
    return user;
  }

  /** Adds CONFIGURE_TOTP whatever the user has now (after their devices were removed), keeping the rest. */
  async addOtpSetup(id: string): Promise<void> {
    await this.updateRequiredActions(id, await this.get(id));
  }

  private updateRequiredActions(id: string, fresh: UserRepresentation | undefined) {
    return this.keycloak.call('addRequiredAction', (c) =>
      c.users.update(
        { realm: this.realm, id },
        { ...fresh, requiredActions: withOtpSetup(fresh?.requiredActions ?? []) },
      ),
    );
  }

  /** Ends every session of the user. */
  logout(id: string): Promise<void> {
    return this.keycloak.call('logoutUser', (c) => c.users.logout({ realm: this.realm, id }));
  }

  /** Has Keycloak email the user a link to these actions; never repeated where Keycloak may have sent it. */
  sendActionsEmail(id: string, email: ActionsEmail): Promise<void> {
    return this.keycloak.call(
      'executeActionsEmail',
      (c) =>
        c.users.executeActionsEmail({
          realm: this.realm,
          id,
          actions: email.actions,
          lifespan: email.lifespan,
          clientId: email.clientId,
          ...(email.redirectUri ? { redirectUri: email.redirectUri } : {}),
        }),
      { atMostOnce: true },
    );
  }

  /** The user's groups, with their paths. */
  groups(id: string) {
    return this.keycloak.call('userGroups', (c) => c.users.listGroups({ realm: this.realm, id, max: 1000 }));
  }

  /** The realm roles mapped to the user directly. */
  realmRoles(id: string) {
    return this.keycloak.call('userRealmRoles', (c) => c.users.listRealmRoleMappings({ realm: this.realm, id }));
  }

  /** The realm roles the user holds, directly or through groups and composites. */
  effectiveRealmRoles(id: string) {
    return this.keycloak.call('effectiveRealmRoles', (c) =>
      c.users.listCompositeRealmRoleMappings({ realm: this.realm, id }),
    );
  }

  /** The roles of one client (by its internal id) the user holds, directly or through groups and composites. */
  effectiveClientRoles(id: string, clientUuid: string) {
    return this.keycloak.call('effectiveClientRoles', (c) =>
      c.users.listCompositeClientRoleMappings({ realm: this.realm, id, clientUniqueId: clientUuid }),
    );
  }

  /** The internal id of the client with this clientId; undefined when the realm has none. */
  async clientUuid(clientId: string): Promise<string | undefined> {
    const [client] = await this.keycloak.call('findClient', (c) => c.clients.find({ realm: this.realm, clientId }));
    return client?.id;
  }

  /** The user's sessions (ids as in the `sid` claim of their tokens). */
  sessions(id: string) {
    return this.keycloak.call('userSessions', (c) => c.users.listSessions({ realm: this.realm, id }));
  }

  /** Ends one session (`DELETE /sessions/{id}`, `?isOffline=true` for an offline one); one already gone is fine. */
  async endSession(sessionId: string, isOffline = false): Promise<void> {
    await this.keycloak
      .call('deleteSession', (c) => c.realms.deleteSession({ realm: this.realm, session: sessionId, isOffline }))
      .catch(whenStatus(404, undefined));
  }

  /**
   * Ends the user's offline sessions (scope `offline_access`), which outlive the online ones and a logout:
   * the clients holding offline tokens come from the consents list (the "Offline Token" grant names the client's
   * internal id), their offline sessions from `…/offline-sessions/{client}` (both view-users), and each ends
   * with `DELETE /sessions/{id}?isOffline=true` (manage-users). Consents and online sessions stay as they are.
   */
  async endOfflineSessions(id: string): Promise<void> {
    const consents = (await this.keycloak.call('userConsents', (c) =>
      c.users.listConsents({ realm: this.realm, id }).catch(whenStatus(404, [])),
    )) as ConsentWithGrants[];
    const clients = new Set(
      consents.flatMap((c) => (c.additionalGrants ?? []).filter((g) => g.key === OFFLINE_TOKEN).map((g) => g.client)),
    );
    for (const clientUuid of clients) {
      const sessions = await this.keycloak.call('offlineSessions', (c) =>
        c.users.listOfflineSessions({ realm: this.realm, id, clientId: clientUuid }).catch(whenStatus(404, [])),
      );
      for (const session of sessions) if (session.id) await this.endSession(session.id, true);
    }
  }

  /** Signs the user out everywhere: the online sessions (and user not-before) and the offline ones. */
  async logoutEverywhere(id: string): Promise<void> {
    await this.logout(id);
    await this.endOfflineSessions(id);
  }

  /**
   * Sets (or with undefined removes) one attribute on the freshest representation, keeping the others and
   * everything else; `requiredActions` maps the user's actions when given. Returns the user as Keycloak keeps
   * it afterwards, so the caller can see whether the attribute stuck (the user profile may drop it).
   */
  async setAttribute(
    id: string,
    name: string,
    values: string[] | undefined,
    requiredActions?: (actions: string[]) => string[],
  ): Promise<UserRepresentation | undefined> {
    const fresh = await this.get(id);
    if (!fresh) return undefined;
    const attributes = { ...(fresh.attributes ?? {}) };
    if (values) attributes[name] = values;
    else delete attributes[name];
    await this.keycloak.call('setUserAttribute', (c) =>
      c.users.update(
        { realm: this.realm, id },
        {
          ...fresh,
          attributes,
          ...(requiredActions ? { requiredActions: requiredActions(fresh.requiredActions ?? []) } : {}),
        },
      ),
    );
    return this.get(id);
  }

  /** The user's direct role mappings, realm and per client. */
  roleMappings(id: string) {
    return this.keycloak.call('clientRoles', (c) => c.users.listRoleMappings({ realm: this.realm, id }));
  }
}
