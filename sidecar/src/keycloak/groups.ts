/** The realm's groups as the sidecar reads them: members of a group and of all its subgroups. */
import type { KeycloakConnection } from './connection.js';
import { idsOf, pages } from './paging.js';

export class KeycloakGroups {
  constructor(private readonly keycloak: KeycloakConnection) {}

  private get realm() {
    return this.keycloak.realm;
  }

  /** The group's id, or undefined when no group has this path. */
  idByPath(path: string): Promise<string | undefined> {
    // The admin client has no group-by-path call that keeps the path's slashes, so it is built here.
    return this.keycloak.call('groupByPath', async (client) => {
      const segments = path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
      const response = await fetch(
        `${client.baseUrl}/admin/realms/${encodeURIComponent(this.realm)}/group-by-path/${segments}`,
        { headers: { authorization: `Bearer ${await client.getAccessToken()}` } },
      );
      if (response.status === 404) return undefined;
      if (!response.ok) throw Object.assign(new Error(`group-by-path answered ${response.status}`), { response });
      return ((await response.json()) as { id: string }).id;
    });
  }

  /** The ids of the members of the group at `path` and of its subgroups; none when there is no such group. */
  async membersOf(path: string): Promise<Set<string>> {
    const members = new Set<string>();
    const id = await this.idByPath(path);
    if (id) await this.membersOfTree(id, members);
    return members;
  }

  /** The ids of the members of the group with this id and of its subgroups (which inherit its roles). */
  async membersOfId(id: string): Promise<Set<string>> {
    const members = new Set<string>();
    await this.membersOfTree(id, members);
    return members;
  }

  private async membersOfTree(groupId: string, into: Set<string>): Promise<void> {
    const realm = this.realm;
    await idsOf(
      pages((first, max) =>
        this.keycloak.call('groupMembers', (c) =>
          c.groups.listMembers({ realm, id: groupId, first, max, briefRepresentation: true }),
        ),
      ),
      into,
    );
    for await (const page of pages((first, max) =>
      this.keycloak.call('subGroups', (c) =>
        c.groups.listSubGroups({ realm, parentId: groupId, first, max, briefRepresentation: true }),
      ),
    ))
      for (const child of page) if (child.id) await this.membersOfTree(child.id, into);
  }
}
