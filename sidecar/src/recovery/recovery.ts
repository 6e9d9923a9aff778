/**
 * Lost-phone recovery. A request (self-service, helpdesk, or Keycloak's own "Forgot password?" seen in
 * the events) opens a recovery for the account; nothing is removed then. When the device mirror sees a
 * new device on an account with an open recovery — so the owner proved control of the email and entered
 * a correct code from the new device — the devices the account had before are removed, the user's
 * sessions are ended, and the owner is told. Swap, never delete first.
 * Both ends rest on what Keycloak 26 really records or on the sidecar's own records: the opening on
 * `SEND_RESET_PASSWORD` or the sidecar's own request, the completion on the new device the mirror sees
 * (the user's `UPDATE_CREDENTIAL`, or the store's devices for `completePending`) — never on
 * `RESET_PASSWORD` / `EXECUTE_ACTION_TOKEN` / `EXECUTE_ACTIONS`, which Keycloak records only as `_ERROR`.
 */

import type { SidecarFile } from '../config/sidecar-file.js';
import { currentDevicesSeenBy, type DeviceChange, markRemoved } from '../devices/records.js';
import type { KeycloakConnection } from '../keycloak/connection.js';
import { enqueueEmail } from '../mail/outbox.js';
import type { ChangeNotices } from '../notices/notices.js';
import type { Logger } from '../observability/logger.js';
import type { SqlDatabase } from '../store/database.js';
import { RealmService } from '../util/realm-service.js';
import {
  insertRequest,
  markCompleted,
  oldestOpenRequest,
  ownersWithUnfinishedSwap,
  type RecoverySource,
} from './records.js';
import { retiredDevicesEmail } from './recovery-email.js';

export type { RecoverySource } from './records.js';

export interface RecoveryOptions {
  keycloak: KeycloakConnection;
  db: SqlDatabase;
  logger: Logger;
  /** the recovery section of sidecar.yaml */
  rules: SidecarFile['recovery'];
  realmDisplayName: string;
  accountUrl: string;
  /** gives the owner's notice its "This wasn't me" link and sends it to every address on file */
  notices?: ChangeNotices;
  now?: () => Date;
}

export class RecoveryService extends RealmService<RecoveryOptions> {
  /** Opens (or renews) a recovery for the account. */
  async open(userId: string, source: RecoverySource, at = this.now()): Promise<void> {
    const expiresAt = new Date(at.getTime() + this.options.rules.linkLifespanMinutes * 60_000);
    await insertRequest(this.options.db, this.realm, { userId, source, requestedAt: at, expiresAt });
  }

  /**
   * Finds the account for a self-service request and has Keycloak send the recovery email. Runs off the
   * request path; an unknown, disabled or email-less account is silently ignored.
   */
  async requestBySelfService(identifier: string): Promise<'sent' | 'ignored'> {
    const { rules, logger } = this.options;
    const user = await this.users.byIdentifier(identifier);
    if (!user?.id || user.enabled === false || !user.email) return 'ignored';
    await this.open(user.id, 'self-service');
    await this.users.sendActionsEmail(user.id, {
      actions: rules.actions,
      lifespan: rules.linkLifespanMinutes * 60,
      clientId: rules.clientId,
      redirectUri: rules.redirectUri,
    });
    logger.info({ userId: user.id }, 'recovery email sent');
    return 'sent';
  }

  /** Called with the mirror's changes: retires old devices where a recovery has just been completed. */
  async onDeviceChanges(changes: DeviceChange[]): Promise<void> {
    if (!this.options.rules.retireOldDevices) return;
    const added = changes.filter((c) => c.kind === 'added');
    for (const userId of new Set(added.map((c) => c.owner.userId))) {
      const owner = added.find((c) => c.owner.userId === userId)?.owner;
      const fresh = new Set(added.filter((c) => c.owner.userId === userId).map((c) => c.device.credentialId));
      if (owner) await this.completeIfOpen(owner, fresh);
    }
  }

  /**
   * Completes the recoveries whose new device the mirror has recorded but whose swap did not finish (the
   * sidecar stopped, or Keycloak failed, between the two). Runs on a schedule; cheap when there are none.
   */
  async completePending(): Promise<number> {
    if (!this.options.rules.retireOldDevices) return 0;
    const owners = await ownersWithUnfinishedSwap(this.options.db, this.realm, this.now());
    for (const owner of owners) await this.completeIfOpen(owner);
    return owners.length;
  }

  private async completeIfOpen(owner: DeviceChange['owner'], fresh = new Set<string>()) {
    const { db, logger } = this.options;
    const realm = this.realm;
    const now = this.now();
    const request = await oldestOpenRequest(db, realm, owner.userId, now);
    if (!request) return;
    // The devices the account had when the recovery began (never the new one).
    const old = await currentDevicesSeenBy(db, realm, owner.userId, request.requestedAt);
    const retire = old.filter((d) => !fresh.has(d.credentialId));
    for (const device of retire) await this.users.deleteCredentialIfExists(owner.userId, device.credentialId);
    await this.users.logout(owner.userId);
    await db.transaction(async (tx) => {
      const retired = retire.map((d) => d.credentialId);
      await markCompleted(tx, request.id, now, retired);
      await markRemoved(tx, realm, retired, 'retired after recovery', now);
      const notice = (cancelUrl?: string) =>
        retiredDevicesEmail({
          realm,
          requestId: request.id,
          owner,
          labels: retire.map((d) => d.label ?? 'an authenticator without a name'),
          realmDisplayName: this.options.realmDisplayName,
          accountUrl: this.options.accountUrl,
          ...(cancelUrl ? { cancelUrl } : {}),
        });
      const change = { userId: owner.userId, kind: 'devices-retired' as const, newCredentialId: [...fresh][0] };
      if (owner.email && retire.length > 0)
        if (this.options.notices) await this.options.notices.announce(tx, change, owner.email, notice);
        else await enqueueEmail(tx, notice());
    });
    logger.info({ userId: owner.userId, retired: retire.length }, 'recovery completed: old devices retired');
  }
}
