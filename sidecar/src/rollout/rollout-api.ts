/**
 * The rollout dashboard over HTTP, for holders of the helpdesk admin role only:
 * GET /api/v1/rollout (JSON), GET /api/v1/rollout/pending.csv, and the page GET /helpdesk/rollout
 * (server-rendered, no script) with its stylesheet.
 */
import { parseCookie } from 'cookie';
import { type Request, type Response, Router } from 'express';
import { nonCompliantUsers } from '../enforcement/records.js';
import type { Caller } from '../http/auth.js';
import { streamCsv } from '../http/csv.js';
import { ApiError } from '../http/errors.js';
import type { SqlDatabase } from '../store/database.js';
import { dayOf } from './progress.js';
import { rolloutOverview } from './rollout.js';
import { ROLLOUT_CSS } from './styles.js';
import { dashboardPage, messagePage } from './view.js';

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

export interface RolloutPageOptions extends RolloutHttpOptions {
  sessionCookie: string;
  /** the staff session of a cookie value, as the helpdesk page keeps them */
  resolveSession: (id: string | undefined) => Promise<{ caller: Caller } | undefined>;
}

/** Mounted at /helpdesk/rollout: the page for a staff session holding the admin role. */
export const rolloutPageRouter = (o: RolloutPageOptions): Router => {
  const router = Router();
  router.use((_req, res, next) => {
    res.set(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
    );
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.get('/rollout.css', (_req, res) => {
    res.type('text/css').send(ROLLOUT_CSS);
  });
  router.get('/', async (req: Request, res: Response) => {
    const session = await o.resolveSession(parseCookie(req.headers.cookie ?? '')[o.sessionCookie]);
    if (!session) return res.redirect(302, '/helpdesk/login');
    if (!session.caller.roles.includes(o.adminRole))
      return res
        .status(403)
        .type('html')
        .send(messagePage('Not allowed', `Your account needs the realm role ${o.adminRole} to see the rollout.`));
    res.type('html').send(dashboardPage(await overviewOf(o), o.realmDisplayName, session.caller.username));
  });
  return router;
};
