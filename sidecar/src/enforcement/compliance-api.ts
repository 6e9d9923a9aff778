/**
 * GET /api/v1/compliance: counts, and the required users still without OTP, a page at a time
 * (`first`, `max` ≤ 500), or all of them as CSV with `format=csv` (streamed page by page).
 */
import { Router } from 'express';
import { z } from 'zod';
import { badRequest } from '../http/errors.js';
import type { SqlDatabase } from '../store/database.js';
import { complianceCounts, type NonCompliantUser, nonCompliantUsers } from './records.js';

const QUERY = z
  .object({
    first: z.coerce.number().int().min(0).default(0),
    max: z.coerce.number().int().min(1).max(500).default(100),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

const csvCell = (value: unknown) => {
  const text = value === null || value === undefined ? '' : String(value);
  // Quote always; neutralise spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
};

const csvLine = (u: NonCompliantUser) =>
  `${[u.userId, u.username, u.email, u.deadline, u.pending ? 'CONFIGURE_TOTP set' : 'before deadline'].map(csvCell).join(',')}\r\n`;

export const complianceRouter = (db: SqlDatabase, realm: string): Router => {
  const router = Router();
  router.get('/', async (req, res) => {
    const parsed = QUERY.safeParse(req.query);
    if (!parsed.success)
      throw badRequest(
        'Invalid query',
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      );
    const { first, max, format } = parsed.data;
    if (format === 'csv') {
      res
        .set('Content-Type', 'text/csv; charset=utf-8')
        .set('Content-Disposition', `attachment; filename="otp-compliance-${realm}.csv"`);
      res.write('user_id,username,email,deadline,status\r\n');
      for (let offset = 0; ; offset += 500) {
        const page = await nonCompliantUsers(db, realm, offset, 500);
        for (const user of page) res.write(csvLine(user));
        if (page.length < 500) break;
      }
      res.end();
      return;
    }
    const [counts, users] = await Promise.all([complianceCounts(db, realm), nonCompliantUsers(db, realm, first, max)]);
    res.json({ realm, counts, first, max, users });
  });
  return router;
};
