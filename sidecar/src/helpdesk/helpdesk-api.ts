/**
 * The helpdesk API (`/api/v1/helpdesk`, staff with the helpdesk realm role): HTTP only — each route reads
 * its request, calls the helpdesk's actions (actions.ts, where the rules are) and answers.
 */
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Caller } from '../http/auth.js';
import { streamCsv } from '../http/csv.js';
import { ApiError } from '../http/errors.js';
import { isoDateOrTime, LIST_QUERY, parseOr400 } from '../http/validate.js';
import type { HelpdeskActions, WriteResult } from './actions.js';
import type { AuditRow } from './records.js';

// The ticket's format and the reason's length are the service's rules (guard.ts), so refusals are audited.
const ACTION_BODY = z
  .object({
    reason: z.string().trim().max(500).default(''),
    ticket: z.string().trim().max(100).optional(),
    sendSetupEmail: z.boolean().optional(),
    verification: z
      .object({
        id: z.coerce.number().int().min(1),
        code: z
          .string()
          .trim()
          .regex(/^\d{6}$/, 'six digits'),
      })
      .strict()
      .optional(),
  })
  .strict();

const ID = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

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
    action: z.enum(['remove-device', 'reset-otp', 'send-setup-email', 'verification', 'approve']).optional(),
    from: isoDateOrTime().optional(),
    to: isoDateOrTime().optional(),
    ...LIST_QUERY,
  })
  .strict();

const AUDIT_CSV_COLUMNS = [
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

const callerOf = (res: Response) => res.locals.caller as Caller;

/** A parked write answers 202: nothing changed yet. */
const answer = (res: Response, result: WriteResult) => res.status(result.result === 'ok' ? 200 : 202).json(result);

const requireAdmin = (res: Response, adminRole: string) => {
  if (!callerOf(res).roles.includes(adminRole))
    throw new ApiError(403, 'forbidden', `The realm role ${adminRole} is required`);
};

export const helpdeskRouter = (actions: HelpdeskActions, realm: string, adminRole: string): Router => {
  const router = Router();

  router.post('/users/:id/verification', async (req, res) => {
    res.status(202).json(await actions.requestVerification(callerOf(res), req.params.id));
  });

  router.get('/approvals', async (_req, res) => {
    res.json({ approvals: await actions.approvals() });
  });

  router.post('/approvals/:id/approve', async (req, res) => {
    answer(res, await actions.approve(callerOf(res), parseOr400(ID, req.params.id)));
  });

  router.get('/audit/verify', async (_req, res) => {
    requireAdmin(res, adminRole);
    res.json(await actions.verifyAudit());
  });

  router.get('/users', async (req, res) => {
    const { search, first, max } = parseOr400(SEARCH, req.query);
    res.json({ users: await actions.findUsers(search, first, max) });
  });

  router.get('/users/:id', async (req, res) => {
    res.json(await actions.userWithDevices(req.params.id));
  });

  router.post('/users/:id/devices/:credentialId/remove', async (req, res) => {
    const body = parseOr400(ACTION_BODY, req.body);
    answer(res, await actions.removeDevice(callerOf(res), req.params.id, req.params.credentialId, body));
  });

  router.post('/users/:id/reset-otp', async (req, res) => {
    const body = parseOr400(ACTION_BODY, req.body);
    answer(res, await actions.resetOtp(callerOf(res), req.params.id, body));
  });

  router.post('/users/:id/send-setup-email', async (req, res) => {
    const body = parseOr400(ACTION_BODY, req.body);
    answer(res, await actions.sendSetupEmail(callerOf(res), req.params.id, body));
  });

  /** The audit trail, filtered, as JSON pages or all of it as CSV; `target` pins it to one user. */
  const auditList = async (req: Request, res: Response, target?: string) => {
    const q = parseOr400(AUDIT_QUERY, req.query);
    const query = {
      ...(q.actor ? { actor: q.actor } : {}),
      ...((target ?? q.target) ? { target: target ?? q.target } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.from ? { from: new Date(q.from) } : {}),
      ...(q.to ? { to: new Date(q.to) } : {}),
    };
    if (q.format === 'csv') {
      await streamCsv(
        res,
        `otp-audit-${realm}.csv`,
        [...AUDIT_CSV_COLUMNS],
        (row: AuditRow) => AUDIT_CSV_COLUMNS.map((c) => row[c]),
        (first, max) => actions.audit({ ...query, first, max }),
      );
      return;
    }
    res.json({ entries: await actions.audit({ ...query, first: q.first, max: q.max }) });
  };
  router.get('/users/:id/audit', (req, res) => auditList(req, res, req.params.id));
  router.get('/audit', (req, res) => auditList(req, res));
  return router;
};
