/**
 * The opening every service of one realm shares: its options, its clock (injected in tests), the realm it
 * works on, which is always its Keycloak connection's, and that realm's users through the typed gateway.
 */
import type { KeycloakConnection } from '../keycloak/connection.js';
import { KeycloakUsers } from '../keycloak/users.js';

export abstract class RealmService<O extends { keycloak: KeycloakConnection; now?: () => Date }> {
  protected readonly now: () => Date;
  protected readonly users: KeycloakUsers;

  constructor(protected readonly options: O) {
    this.now = options.now ?? (() => new Date());
    this.users = new KeycloakUsers(options.keycloak);
  }

  protected get realm(): string {
    return this.options.keycloak.realm;
  }
}
