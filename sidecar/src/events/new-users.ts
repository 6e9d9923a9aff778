/**
 * Notices new accounts within seconds: polls the realm's admin events (user CREATE, e.g. from an admin or
 * a provisioning script) and user events (REGISTER, self-registration), newest first, down to the last
 * event it has seen. Accounts created while the sidecar was down are covered by the next full pass.
 */
import type { KeycloakConnection } from '../keycloak/connection.js';

const USER_PATH = /^users\/([0-9a-fA-F-]{8,})$/;

export class NewUserWatcher {
  private since: number;
  private readonly seen = new Set<string>();

  constructor(
    private readonly keycloak: KeycloakConnection,
    private readonly onNewUser: (userId: string) => Promise<unknown>,
    start = Date.now(),
  ) {
    this.since = start;
  }

  /** Reads events newer than the last poll and hands each new user id over once. */
  async poll(): Promise<string[]> {
    const realm = this.keycloak.realm;
    const day = new Date(this.since).toISOString().slice(0, 10);
    const [adminEvents, userEvents] = await Promise.all([
      this.keycloak.call('adminEvents', (c) =>
        c.realms.findAdminEvents({
          realm,
          operationTypes: 'CREATE',
          resourceTypes: 'USER',
          dateFrom: day,
          max: 200,
        } as never),
      ),
      this.keycloak.call('userEvents', (c) =>
        c.realms.findEvents({ realm, type: 'REGISTER', dateFrom: day, max: 200 } as never),
      ),
    ]);
    const fresh: { id: string; time: number }[] = [];
    for (const event of adminEvents) {
      const id = USER_PATH.exec(event.resourcePath ?? '')?.[1];
      if (id && (event.time ?? 0) >= this.since) fresh.push({ id, time: event.time ?? 0 });
    }
    for (const event of userEvents)
      if (event.userId && (event.time ?? 0) >= this.since) fresh.push({ id: event.userId, time: event.time ?? 0 });
    const handed: string[] = [];
    for (const { id, time } of fresh.sort((a, b) => a.time - b.time)) {
      this.since = Math.max(this.since, time);
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      await this.onNewUser(id);
      handed.push(id);
    }
    if (this.seen.size > 10_000) this.seen.clear();
    return handed;
  }
}
