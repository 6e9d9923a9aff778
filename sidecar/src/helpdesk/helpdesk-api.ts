/**
 * The helpdesk API (`/api/v1/helpdesk`, staff with the helpdesk realm role): find users, see their devices
 * (mirror and live, never a secret), remove one device, reset all OTP, resend the setup email, and read
 * the audit trail. Every write needs a reason, is refused on one's own account and — unless the caller
 * holds the helpdesk admin role — on staff and admin accounts, lands in the append-only audit log with
 * its result, and tells the owner by email (through the outbox, in the same transaction).
 */
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { devicesOfUser } from '../devices/records.js';
import { CONFIGURE_TOTP, withOtpSetup } from '../enforcement/policy.js';
import type { Caller } from '../http/auth.js';
import { streamCsv } from '../http/csv.js';
import { ApiError, badRequest, notFound } from '../http/errors.js';
import type { KeycloakConnection } from '../keycloak/connection.js';
import { statusOf } from '../keycloak/connection.js';
import { enqueueEmail } from '../mail/outbox.js';
import type { SqlDatabase } from '../store/database.js';
import { type AuditEntry, type AuditRow, appendAudit, findAudit } from './audit.js';
import { helpdeskActionEmail } from './helpdesk-email.js';
import { closeIntent, type IntendedAction, intentLock, openIntent } from './intents.js';

export interface HelpdeskOptions {
  keycloak: KeycloakConnection;
  db: SqlDatabase;
  helpdeskRole: string;
  adminRole: string;
  realmDisplayName: string;
  setupEmail: { lifespanSeconds: number; clientId: string; redirectUri?: string };
}

const ACTION_BODY = z
  .object({
    reason: z.string().trim().min(5, 'give a reason of at least 5 characters').max(500),
    ticket: z.string().trim().max(100).optional(),
    sendSetupEmail: z.boolean().optional(),
  })
  .strict();

const SEARCH = z
  .object({
    search: z.string().trim().min(1).max(100),
    first: z.coerce.number().int().min(0).default(0),
    max: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

const AUDIT_QUERY = z
  .object({
    actor: z.string().max(100).optional(),
    target: z.string().max(100).optional(),
    action: z.enum(['remove-device', 'reset-otp', 'send-setup-email']).optional(),
    from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    first: z.coerce.number().int().min(0).default(0),
    max: z.coerce.number().int().min(1).max(500).default(100),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

const parse = <S extends z.ZodType>(schema: S, value: unknown): z.infer<S> => {
  const result = schema.safeParse(value ?? {});
  if (!result.success)
    throw badRequest(
      'Invalid request',
      result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`),
    );
  return result.data;
};

const publicUser = (u: UserRepresentation) => ({
  id: u.id,
  username: u.username,
  email: u.email,
  firstName: u.firstName,
  lastName: u.lastName,
  enabled: u.enabled,
  totp: u.totp,
  ...(u.requiredActions ? { requiredActions: u.requiredActions } : {}),
});

export const helpdeskRouter = (options: HelpdeskOptions): Router => {
  const { keycloak, db } = options;
  const realm = keycloak.realm;
  const router = Router();

  const userOr404 = async (id: string) => {
    try {
      const user = await keycloak.call('getUser', (c) => c.users.findOne({ realm, id }));
      if (user?.id) return user;
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    throw notFound('User not found');
  };

  /** Staff and admin accounts are off limits unless the caller holds the helpdesk admin role. */
  const checkAllowed = async (caller: Caller, target: UserRepresentation) => {
    if (caller.userId === target.id)
      throw new ApiError(403, 'forbidden', 'You cannot change your own sign-in through the helpdesk');
    if (caller.roles.includes(options.adminRole)) return;
    const id = target.id as string;
    const realmRoles = await keycloak.call('effectiveRealmRoles', (c) =>
      c.users.listCompositeRealmRoleMappings({ realm, id }),
    );
    const protectedRealmRole = realmRoles.find(
      (r) => r.name === options.helpdeskRole || r.name === options.adminRole || r.name === 'admin',
    );
    const clientRoles = await keycloak.call('clientRoles', (c) => c.users.listRoleMappings({ realm, id }));
    const managementRoles = clientRoles.clientMappings?.['realm-management']?.mappings ?? [];
    if (protectedRealmRole || managementRoles.length > 0)
      throw new ApiError(403, 'forbidden', `Only holders of ${options.adminRole} may change a staff or admin account`);
  };

  const otpCredentials = async (id: string) =>
    (await keycloak.call('getCredentials', (c) => c.users.getCredentials({ realm, id }))).filter(
      (c) => c.type === 'otp',
    );

  /** Runs a helpdesk write: audit row, owner email and the mirror update land together with the result. */
  const act = async (
    req: Request,
    res: Response,
    action: AuditEntry['action'],
    run: (
      user: UserRepresentation,
    ) => Promise<{ credentialId?: string; label?: string; details?: Record<string, unknown> }>,
  ) => {
    const caller = res.locals.caller as Caller;
    const body = parse(ACTION_BODY, req.body);
    const user = await userOr404(String(req.params.id));
    await checkAllowed(caller, user);
    const base = {
      actorId: caller.userId,
      actorUsername: caller.username,
      action,
      targetUserId: user.id as string,
      targetUsername: user.username ?? '',
      reason: body.reason,
      ...(body.ticket ? { ticket: body.ticket } : {}),
    };
    // Written before Keycloak is touched, held under its lock until the audit entry lands (see intents.ts).
    const intentId = await openIntent(db, realm, base, user.email);
    const auditId = await db.withLock(intentLock(intentId), () => runAudited(intentId, base, user, run));
    res.json({ result: 'ok', auditId });
  };

  const runAudited = async (
    intentId: number,
    base: IntendedAction,
    user: UserRepresentation,
    run: (
      user: UserRepresentation,
    ) => Promise<{ credentialId?: string; label?: string; details?: Record<string, unknown> }>,
  ): Promise<number> => {
    let outcome: Awaited<ReturnType<typeof run>>;
    try {
      outcome = await run(user);
    } catch (error) {
      // A refusal (ApiError) changed nothing and is not audited; a Keycloak failure is.
      await db.transaction(async (tx) => {
        if (!(error instanceof ApiError))
          await appendAudit(tx, realm, { ...base, result: `failed: ${(error as Error).message.slice(0, 200)}` });
        await closeIntent(tx, intentId);
      });
      if (error instanceof ApiError) throw error;
      throw new ApiError(502, 'keycloak_error', 'Keycloak did not complete the change; nothing was reported as done');
    }
    return db.transaction(async (tx) => {
      await closeIntent(tx, intentId);
      const id = await appendAudit(tx, realm, {
        ...base,
        ...(outcome.credentialId ? { credentialId: outcome.credentialId } : {}),
        result: 'ok',
        ...(outcome.details ? { details: outcome.details } : {}),
      });
      if (base.action !== 'send-setup-email' && user.email)
        await enqueueEmail(
          tx,
          helpdeskActionEmail({
            realm,
            auditId: id,
            action: base.action,
            username: user.username ?? '',
            email: user.email,
            ...(outcome.label ? { label: outcome.label } : {}),
            reason: base.reason,
            realmDisplayName: options.realmDisplayName,
          }),
        );
      const removed = (outcome.details?.removedCredentialIds as string[] | undefined) ?? [];
      if (removed.length > 0)
        await tx.query(
          `update otp_devices set removed_at = now(), removed_reason = 'removed by the helpdesk'
            where realm = $1 and credential_id = any($2) and removed_at is null`,
          [realm, removed],
        );
      return id;
    });
  };

  const sendSetupEmail = (id: string) =>
    keycloak.call(
      'executeActionsEmail',
      (c) =>
        c.users.executeActionsEmail({
          realm,
          id,
          actions: [CONFIGURE_TOTP],
          lifespan: options.setupEmail.lifespanSeconds,
          clientId: options.setupEmail.clientId,
          ...(options.setupEmail.redirectUri ? { redirectUri: options.setupEmail.redirectUri } : {}),
        }),
      { atMostOnce: true },
    );

  router.get('/users', async (req, res) => {
    const { search, first, max } = parse(SEARCH, req.query);
    const users = await keycloak.call('searchUsers', (c) =>
      c.users.find({ realm, search, first, max, briefRepresentation: false } as never),
    );
    res.json({ users: users.map(publicUser) });
  });

  router.get('/users/:id', async (req, res) => {
    const user = await userOr404(req.params.id);
    const live = (await otpCredentials(user.id as string)).map((c) => ({
      id: c.id,
      label: c.userLabel ?? null,
      createdDate: c.createdDate ? new Date(c.createdDate).toISOString() : null,
    }));
    res.json({ user: publicUser(user), devices: await devicesOfUser(db, realm, user.id as string), live });
  });

  router.post('/users/:id/devices/:credentialId/remove', (req, res) =>
    act(req, res, 'remove-device', async (user) => {
      const device = (await otpCredentials(user.id as string)).find((c) => c.id === req.params.credentialId);
      if (!device?.id) throw notFound('This user has no such OTP device');
      await keycloak.call('deleteCredential', (c) =>
        c.users.deleteCredential({ realm, id: user.id as string, credentialId: device.id as string }),
      );
      return {
        credentialId: device.id,
        ...(device.userLabel ? { label: device.userLabel } : {}),
        details: { removedCredentialIds: [device.id] },
      };
    }),
  );

  router.post('/users/:id/reset-otp', (req, res) =>
    act(req, res, 'reset-otp', async (user) => {
      const id = user.id as string;
      const devices = await otpCredentials(id);
      for (const device of devices)
        await keycloak.call('deleteCredential', (c) =>
          c.users.deleteCredential({ realm, id, credentialId: device.id as string }),
        );
      const fresh = await keycloak.call('getUser', (c) => c.users.findOne({ realm, id }));
      await keycloak.call('addRequiredAction', (c) =>
        c.users.update({ realm, id }, { ...fresh, requiredActions: withOtpSetup(fresh?.requiredActions ?? []) }),
      );
      // A reset ends every session: whoever holds the lost phone is signed out too.
      await keycloak.call('logoutUser', (c) => c.users.logout({ realm, id }));
      if (req.body?.sendSetupEmail === true && user.email) await sendSetupEmail(id);
      return {
        details: {
          removedCredentialIds: devices.map((d) => d.id),
          removedLabels: devices.map((d) => d.userLabel ?? null),
          setupEmailSent: req.body?.sendSetupEmail === true && Boolean(user.email),
        },
      };
    }),
  );

  router.post('/users/:id/send-setup-email', (req, res) =>
    act(req, res, 'send-setup-email', async (user) => {
      if (!user.email) throw new ApiError(409, 'no_email', 'The user has no email address');
      await sendSetupEmail(user.id as string);
      return {};
    }),
  );

  const auditList = async (req: Request, res: Response, target?: string) => {
    const q = parse(AUDIT_QUERY, req.query);
    const query = {
      ...(q.actor ? { actor: q.actor } : {}),
      ...((target ?? q.target) ? { target: target ?? q.target } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.from ? { from: new Date(q.from) } : {}),
      ...(q.to ? { to: new Date(q.to) } : {}),
    };
    if (q.format === 'csv') {
      const columns = [
        'id',
        'at',
        'actorUsername',
        'action',
        'targetUsername',
        'credentialId',
        'reason',
        'ticket',
        'result',
      ] as const;
      await streamCsv(
        res,
        `otp-audit-${realm}.csv`,
        [...columns],
        (row: AuditRow) => columns.map((c) => row[c]),
        (first, max) => findAudit(db, realm, { ...query, first, max }),
      );
      return;
    }
    res.json({ entries: await findAudit(db, realm, { ...query, first: q.first, max: q.max }) });
  };
  router.get('/users/:id/audit', (req, res) => auditList(req, res, req.params.id));
  router.get('/audit', (req, res) => auditList(req, res));
  return router;
};
