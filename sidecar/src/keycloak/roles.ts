/** The realm's roles as the sidecar reads them: who holds a realm role directly. */
import type { KeycloakConnection } from './connection.js';
import { whenStatus } from './errors.js';
import { idsOf, pages } from './paging.js';

export class KeycloakRoles {
  constructor(private readonly keycloak: KeycloakConnection) {}

  /** The ids of the users holding the realm role directly; none when the role does not exist. */
  async holdersOf(name: string): Promise<Set<string>> {
    const realm = this.keycloak.realm;
    const holders = new Set<string>();
    // A role that does not exist exempts nobody.
    await idsOf(
      pages((first, max) =>
        this.keycloak.call('roleUsers', (c) =>
          c.roles.findUsersWithRole({ realm, name, first, max, briefRepresentation: true }),
        ),
      ),
      holders,
    ).catch(whenStatus(404, holders));
    return holders;
  }
}
