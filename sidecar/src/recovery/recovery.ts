/**
 * Lost-phone recovery. A request (self-service, helpdesk, or Keycloak's own "Forgot password?" seen in
 * the events) opens a recovery for the account; nothing is removed then. When the device mirror sees a
 * new device on an account with an open recovery — so the owner proved control of the email and entered
 * a correct code from the new device — the devices the account had before are removed, the user's
 * sessions are ended, and the owner is told. Swap, never delete first.
 */

import type { SidecarFile as SidecarPolicy } from '../config/sidecar-file.js';
import type { DeviceChange } from '../devices/records.js';
import { type KeycloakConnection, whenStatus } from '../keycloak/connection.js';
import { enqueueEmail } from '../mail/outbox.js';
import type { Logger } from '../observability/logger.js';
import type { SqlDatabase } from '../store/database.js';
import { retiredDevicesEmail } from './recovery-email.js';

export type RecoverySource = 'self-service' | 'keycloak-reset' | 'helpdesk';

export interface RecoveryOptions {
  keycloak: KeycloakConnection;
  db: SqlDatabase;
  logger: Logger;
  policy: SidecarPolicy['recovery'];
  realmDisplayName: string;
  accountUrl: string;
  now?: () => Date;
}

export class RecoveryService {
  private readonly now: () => Date;

  constructor(private readonly options: RecoveryOptions) {
    this.now = options.now ?? (() => new Date());
  }

  private get realm() {
    return this.options.keycloak.realm;
  }

  /** Opens (or renews) a recovery for the account. */
  async open(userId: string, source: RecoverySource, at = this.now()): Promise<void> {
    const expires = new Date(at.getTime() + this.options.policy.linkLifespanMinutes * 60_000);
    await this.options.db.query(
      `insert into recovery_requests (realm, user_id, source, requested_at, expires_at) values ($1, $2, $3, $4, $5)`,
      [this.realm, userId, source, at, expires],
    );
  }

  /**
   * Finds the account for a self-service request and has Keycloak send the recovery email. Runs off the
   * request path; an unknown, disabled or email-less account is silently ignored.
   */
  async requestBySelfService(identifier: string): Promise<'sent' | 'ignored'> {
    const { keycloak, policy, logger } = this.options;
    const realm = this.realm;
    const lookup = identifier.includes('@') ? { email: identifier } : { username: identifier };
    const [user] = await keycloak.call('findUser', (c) => c.users.find({ realm, ...lookup, exact: true, max: 2 }));
    if (!user?.id || user.enabled === false || !user.email) return 'ignored';
    await this.open(user.id, 'self-service');
    await keycloak.call(
      'executeActionsEmail',
      (c) =>
        c.users.executeActionsEmail({
          realm,
          id: user.id as string,
          actions: policy.actions,
          lifespan: policy.linkLifespanMinutes * 60,
          clientId: policy.clientId,
          ...(policy.redirectUri ? { redirectUri: policy.redirectUri } : {}),
        }),
      { atMostOnce: true },
    );
    logger.info({ userId: user.id }, 'recovery email sent');
    return 'sent';
  }

  /** Called with the mirror's changes: retires old devices where a recovery has just been completed. */
  async onDeviceChanges(changes: DeviceChange[]): Promise<void> {
    if (!this.options.policy.retireOldDevices) return;
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
    if (!this.options.policy.retireOldDevices) return 0;
    const owners = await this.options.db.query<{ user_id: string; username: string; email: string | null }>(
      `select distinct d.user_id, d.username, d.email from recovery_requests r
         join otp_devices d on d.realm = r.realm and d.user_id = r.user_id
        where r.realm = $1 and r.completed_at is null and r.expires_at > $2 and r.requested_at <= $2
          and d.removed_at is null and d.first_seen_at > r.requested_at`,
      [this.realm, this.now()],
    );
    for (const o of owners)
      await this.completeIfOpen({ userId: o.user_id, username: o.username, ...(o.email ? { email: o.email } : {}) });
    return owners.length;
  }

  private async completeIfOpen(owner: DeviceChange['owner'], fresh = new Set<string>()) {
    const { db, keycloak, logger } = this.options;
    const realm = this.realm;
    const now = this.now();
    const [request] = await db.query<{ id: string; requested_at: Date }>(
      `select id, requested_at from recovery_requests
        where realm = $1 and user_id = $2 and completed_at is null and expires_at > $3 and requested_at <= $3
        order by requested_at limit 1`,
      [realm, owner.userId, now],
    );
    if (!request) return;
    // The devices the account had when the recovery began (never the new one).
    const old = await db.query<{ credential_id: string; label: string | null }>(
      `select credential_id, label from otp_devices
        where realm = $1 and user_id = $2 and removed_at is null and first_seen_at <= $3`,
      [realm, owner.userId, new Date(request.requested_at)],
    );
    const retire = old.filter((d) => !fresh.has(d.credential_id));
    for (const device of retire)
      await keycloak.call('deleteCredential', (c) =>
        c.users
          .deleteCredential({ realm, id: owner.userId, credentialId: device.credential_id })
          // Gone already: an earlier attempt removed it before it could record so.
          .catch(whenStatus(404, undefined)),
      );
    await keycloak.call('logoutUser', (c) => c.users.logout({ realm, id: owner.userId }));
    await db.transaction(async (tx) => {
      await tx.query('update recovery_requests set completed_at = $2, retired_credential_ids = $3 where id = $1', [
        request.id,
        now,
        retire.map((d) => d.credential_id),
      ]);
      await tx.query(
        `update otp_devices set removed_at = $3, removed_reason = 'retired after recovery'
          where realm = $1 and credential_id = any($2) and removed_at is null`,
        [realm, retire.map((d) => d.credential_id), now],
      );
      if (owner.email && retire.length > 0)
        await enqueueEmail(
          tx,
          retiredDevicesEmail({
            realm,
            requestId: request.id,
            owner,
            labels: retire.map((d) => d.label ?? 'an authenticator without a name'),
            realmDisplayName: this.options.realmDisplayName,
            accountUrl: this.options.accountUrl,
          }),
        );
    });
    logger.info({ userId: owner.userId, retired: retire.length }, 'recovery completed: old devices retired');
  }
}
