/**
 * GET /api/v1/compliance: counts, and the required users still without OTP, a page at a time
 * (`first`, `max` ≤ 500), or all of them as CSV with `format=csv` (streamed page by page); and
 * POST /api/v1/compliance/reconcile to run an enforcement pass now.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Caller } from '../http/auth.js';
import { streamCsv } from '../http/csv.js';
import { ApiError } from '../http/errors.js';
import { LIST_QUERY, parseOr400 } from '../http/validate.js';
import type { SqlDatabase } from '../store/database.js';
import type { ReconcileReport } from './reconciler.js';
import { complianceCounts, type NonCompliantUser, nonCompliantUsers } from './records.js';

const QUERY = z.object(LIST_QUERY).strict();

export interface ComplianceOptions {
  db: SqlDatabase;
  realm: string;
  /** a full enforcement pass now (undefined when another replica is running one) */
  runEnforcement: () => Promise<ReconcileReport | undefined>;
  /** the realm role that may start a pass */
  adminRole: string;
}

export const complianceRouter = ({ db, realm, runEnforcement, adminRole }: ComplianceOptions): Router => {
  const router = Router();
  // POST /api/v1/compliance/reconcile: an enforcement pass now (after a policy change), with its report.
  router.post('/reconcile', async (_req, res) => {
    if (!(res.locals.caller as Caller).roles.includes(adminRole))
      throw new ApiError(403, 'forbidden', `The realm role ${adminRole} is required`);
    const report = await runEnforcement();
    if (!report) throw new ApiError(409, 'conflict', 'An enforcement pass is already running');
    res.json({ report });
  });
  router.get('/', async (req, res) => {
    const { first, max, format } = parseOr400(QUERY, req.query, 'Invalid query', '');
    if (format === 'csv') {
      await streamCsv(
        res,
        `otp-compliance-${realm}.csv`,
        ['user_id', 'username', 'email', 'deadline', 'status'],
        (u: NonCompliantUser) => [
          u.userId,
          u.username,
          u.email,
          u.deadline,
          u.pending ? 'CONFIGURE_TOTP set' : 'before deadline',
        ],
        (first, max) => nonCompliantUsers(db, realm, first, max),
      );
      return;
    }
    const [counts, users] = await Promise.all([complianceCounts(db, realm), nonCompliantUsers(db, realm, first, max)]);
    res.json({ realm, counts, first, max, users });
  });
  return router;
};
