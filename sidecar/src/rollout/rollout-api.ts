/**
 * The rollout dashboard over HTTP, for holders of the helpdesk admin role only:
 * GET /api/v1/rollout (JSON), GET /api/v1/rollout/pending.csv, and the Rollout tab of the helpdesk page
 * (GET /helpdesk/rollout: server-rendered in the staff member's language, no script) with its stylesheet. The
 * CSV's column names and values stay English (machine-read, like the JSON).
 */
import { Router } from 'express';
import { nonCompliantUsers } from '../enforcement/records.js';
import type { Caller } from '../http/auth.js';
import { streamCsv } from '../http/csv.js';
import { ApiError } from '../http/errors.js';
import type { Translator } from '../i18n/index.js';
import type { SqlDatabase } from '../store/database.js';
import { dayOf } from './progress.js';
import { rolloutOverview } from './rollout.js';
import { ROLLOUT_CSS } from './styles.js';
import { dashboardMain } from './view.js';

export interface RolloutHttpOptions {
  db: SqlDatabase;
  realm: string;
  realmDisplayName: string;
  /** `enforcement.deadline` of sidecar.yaml (a date or a date-time) */
  deadline?: string;
  adminRole: string;
}

/** The deadline as a UTC day, the unit the dashboard compares days in. */
const deadlineDay = (deadline?: string) => (deadline ? dayOf(new Date(deadline)) : undefined);

const overviewOf = (o: RolloutHttpOptions) =>
  rolloutOverview({ db: o.db, realm: o.realm, ...(o.deadline ? { deadline: deadlineDay(o.deadline) } : {}) });

/** Mounted under /api/v1/rollout behind the staff guard (which sets `res.locals.caller`). */
export const rolloutApiRouter = (o: RolloutHttpOptions): Router => {
  const router = Router();
  router.use((_req, res, next) => {
    if (!(res.locals.caller as Caller).roles.includes(o.adminRole))
      return next(new ApiError(403, 'forbidden', `The realm role ${o.adminRole} is required`));
    next();
  });
  router.get('/', async (_req, res) => {
    res.json(await overviewOf(o));
  });
  router.get('/pending.csv', async (_req, res) => {
    await streamCsv(
      res,
      `otp-pending-${o.realm}.csv`,
      ['user_id', 'username', 'email', 'deadline', 'status'],
      (u: Awaited<ReturnType<typeof nonCompliantUsers>>[number]) => [
        u.userId,
        u.username,
        u.email,
        u.deadline,
        u.pending ? 'CONFIGURE_TOTP set' : 'before deadline',
      ],
      (first, max) => nonCompliantUsers(o.db, o.realm, first, max),
    );
  });
  return router;
};

/** The Rollout tab of the helpdesk page (which checks the staff session and the admin role before it). */
export const rolloutTab = (o: RolloutHttpOptions) => ({
  role: o.adminRole,
  css: ROLLOUT_CSS,
  render: async (t: Translator) => dashboardMain(await overviewOf(o), t),
});
