/**
 * The helpdesk API (`/api/v1/helpdesk`, staff with the helpdesk realm role): HTTP only — each route reads
 * its request, calls the helpdesk's actions (actions.ts, where the rules are) and answers.
 */
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Caller } from '../http/auth.js';
import { streamCsv } from '../http/csv.js';
import { isoDateOrTime, LIST_QUERY, parseOr400 } from '../http/validate.js';
import type { HelpdeskActions } from './actions.js';
import type { AuditRow } from './records.js';

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

export const helpdeskRouter = (actions: HelpdeskActions, realm: string): Router => {
  const router = Router();

  router.get('/users', async (req, res) => {
    const { search, first, max } = parseOr400(SEARCH, req.query);
    res.json({ users: await actions.findUsers(search, first, max) });
  });

  router.get('/users/:id', async (req, res) => {
    res.json(await actions.userWithDevices(req.params.id));
  });

  router.post('/users/:id/devices/:credentialId/remove', async (req, res) => {
    const body = parseOr400(ACTION_BODY, req.body);
    const auditId = await actions.removeDevice(callerOf(res), req.params.id, req.params.credentialId, body);
    res.json({ result: 'ok', auditId });
  });

  router.post('/users/:id/reset-otp', async (req, res) => {
    const body = parseOr400(ACTION_BODY, req.body);
    res.json({ result: 'ok', auditId: await actions.resetOtp(callerOf(res), req.params.id, body) });
  });

  router.post('/users/:id/send-setup-email', async (req, res) => {
    const body = parseOr400(ACTION_BODY, req.body);
    res.json({ result: 'ok', auditId: await actions.sendSetupEmail(callerOf(res), req.params.id, body) });
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
