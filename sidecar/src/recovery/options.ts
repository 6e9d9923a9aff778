/** What the recovery services are built with, and the user events they hear (shared, so no import loop). */
import type { RecoveryRules } from '../../../realm-files/src/index.js';
import type { KeycloakConnection } from '../keycloak/connection.js';
import type { RealmDefaultLocale } from '../mail/compose.js';
import type { ChangeNotices } from '../notices/notices.js';
import type { Logger } from '../observability/logger.js';
import type { SqlDatabase } from '../store/database.js';

export interface RecoveryOptions {
  keycloak: KeycloakConnection;
  db: SqlDatabase;
  logger: Logger;
  /** the recovery section of sidecar.yaml */
  rules: RecoveryRules;
  realmDisplayName: string;
  accountUrl: string;
  /** the language of owners without a `locale` attribute */
  defaultLocale?: RealmDefaultLocale;
  /** where the link returns to (`/recovery/complete`), known once the server listens */
  completeUrl: () => string;
  /** gives the owner's notice its "This wasn't me" link and sends it to every address on file */
  notices?: ChangeNotices;
  now?: () => Date;
}

/** A user event as the feed passes it on: what happened, through which client, when. */
export interface UserEventSeen {
  type: string;
  clientId?: string;
  at: Date;
  credentialType?: string;
}
