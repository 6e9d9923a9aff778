/** The realm's roles as the sidecar reads them: who holds a realm role directly. */
import type { KeycloakConnection } from './connection.js';
import { whenStatus } from './errors.js';
import { idsOf, pages } from './paging.js';

export class KeycloakRoles {
  constructor(private readonly keycloak: KeycloakConnection) {}

  /**
   * The id of the client with this clientId; undefined when the sidecar cannot see it. Without view-clients
   * Keycloak lists no client (query-clients only) or refuses (403), so the sidecar then reads the id from its
   * own service account's role mappings — enough for `realm-management`, whose roles it holds.
   */
  async clientUuid(clientId: string): Promise<string | undefined> {
    const realm = this.keycloak.realm;
    return this.keycloak.call('findClient', async (c) => {
      const [listed] = await c.clients.find({ realm, clientId }).catch(whenStatus(403, []));
      if (listed?.id) return listed.id;
      const token = (await c.getAccessToken()) ?? '';
      const own = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString() || '{}') as {
        sub?: string;
      };
      if (!own.sub) return undefined;
      const mappings = await c.users.listRoleMappings({ realm, id: own.sub });
      return mappings.clientMappings?.[clientId]?.id;
    });
  }

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

  /** The ids of the groups the realm role is mapped to (their members hold it); none when the role does not exist. */
  async groupsWith(name: string): Promise<string[]> {
    const realm = this.keycloak.realm;
    // The admin client has no call for GET /roles/{name}/groups, so it is built here.
    return this.keycloak.call('roleGroups', async (client) => {
      const ids: string[] = [];
      for (let first = 0; ; first += 100) {
        const response = await fetch(
          `${client.baseUrl}/admin/realms/${encodeURIComponent(realm)}/roles/${encodeURIComponent(name)}/groups?first=${first}&max=100`,
          { headers: { authorization: `Bearer ${await client.getAccessToken()}` } },
        );
        if (response.status === 404) return ids;
        if (!response.ok) throw Object.assign(new Error(`role groups answered ${response.status}`), { response });
        const page = (await response.json()) as { id?: string }[];
        for (const group of page) if (group.id) ids.push(group.id);
        if (page.length < 100) return ids;
      }
    });
  }
}
