/**
 * The realm's user and admin events as the event feed reads them: everything from an epoch-millisecond
 * `dateFrom` on, oldest first, every page; the realm's event settings; and who the sidecar itself is, so
 * its own admin writes can be told apart.
 */
import type AdminEventRepresentation from '@keycloak/keycloak-admin-client/lib/defs/adminEventRepresentation.js';
import type EventRepresentation from '@keycloak/keycloak-admin-client/lib/defs/eventRepresentation.js';
import type { KeycloakConnection } from './connection.js';
import { allPages } from './paging.js';

const PAGE = 500;

/**
 * The query the feed sends. Keycloak takes `dateFrom` as epoch milliseconds and `direction`; the admin
 * client's own calls lack `direction` and type the admin events' `dateFrom` as a Date, so both endpoints
 * are declared here the way the client declares its own.
 */
interface EventQuery {
  realm: string;
  direction: 'asc' | 'desc';
  /** epoch milliseconds, inclusive */
  dateFrom: string;
  first: number;
  max: number;
}

type AdminEventQuery = EventQuery & { resourceTypes: string };

export class KeycloakEvents {
  private readonly findUserEvents;
  private readonly findAdminEvents;
  private ownUserId?: string;

  constructor(private readonly keycloak: KeycloakConnection) {
    const realms = keycloak.client.realms;
    this.findUserEvents = realms.makeRequest<EventQuery, EventRepresentation[]>({
      method: 'GET',
      path: '/{realm}/events',
      urlParamKeys: ['realm'],
    });
    this.findAdminEvents = realms.makeRequest<AdminEventQuery, AdminEventRepresentation[]>({
      method: 'GET',
      path: '/{realm}/admin-events',
      urlParamKeys: ['realm'],
    });
  }

  /** Whether user events are recorded, and how long they are kept. */
  config() {
    return this.keycloak.call('eventsConfig', (c) => c.realms.getConfigEvents({ realm: this.keycloak.realm }));
  }

  /** The user events and the admin events on users from `time` (epoch ms, inclusive) on, oldest first. */
  async since(time: number): Promise<{ userEvents: EventRepresentation[]; adminEvents: AdminEventRepresentation[] }> {
    const realm = this.keycloak.realm;
    const dateFrom = String(time);
    const [userEvents, adminEvents] = await Promise.all([
      allPages(
        (first, max) =>
          this.keycloak.call('userEvents', () =>
            this.findUserEvents({ realm, direction: 'asc', dateFrom, first, max }),
          ),
        PAGE,
      ),
      allPages(
        (first, max) =>
          this.keycloak.call('adminEvents', () =>
            this.findAdminEvents({ realm, direction: 'asc', resourceTypes: 'USER', dateFrom, first, max }),
          ),
        PAGE,
      ),
    ]);
    return { userEvents, adminEvents };
  }

  /** The service account's user id: admin events it authored are the sidecar's own writes. */
  async ownId(): Promise<string | undefined> {
    if (this.ownUserId) return this.ownUserId;
    const token = await this.keycloak.call('token', (c) => c.getAccessToken());
    const payload = token?.split('.')[1];
    if (payload) this.ownUserId = JSON.parse(Buffer.from(payload, 'base64url').toString()).sub;
    return this.ownUserId;
  }
}
