/**
 * The device mirror's API: a user's devices (current and removed), a filtered device list (JSON pages or
 * CSV), and the sync status; POST /sync starts a full sync (one at a time).
 */
import { Router } from 'express';
import { z } from 'zod';
import { streamCsv } from '../http/csv.js';
import { ApiError } from '../http/errors.js';
import { isoDateOrTime, LIST_QUERY, parseOr400 } from '../http/validate.js';
import type { SqlDatabase } from '../store/database.js';
import type { DeviceMirror } from './mirror.js';
import { type DeviceRow, devicesOfUser, findDevices } from './records.js';

const DEVICE_QUERY = z
  .object({
    label: z.string().max(200).optional(),
    createdFrom: isoDateOrTime().optional(),
    createdTo: isoDateOrTime().optional(),
    removed: z.enum(['true', 'false']).optional(),
    ...LIST_QUERY,
  })
  .strict();

const CSV_COLUMNS: (keyof DeviceRow)[] = [
  'userId',
  'username',
  'email',
  'label',
  'createdAt',
  'firstSeenAt',
  'lastSeenAt',
  'removedAt',
  'removedReason',
];

export const devicesRouter = (
  db: SqlDatabase,
  realm: string,
  mirror: DeviceMirror,
  startFullSync: () => Promise<unknown>,
) => {
  const users = Router();
  users.get('/:user/devices', async (req, res) => {
    const devices = await devicesOfUser(db, realm, req.params.user);
    res.json({ user: req.params.user, devices });
  });

  const devices = Router();
  devices.get('/', async (req, res) => {
    const q = parseOr400(DEVICE_QUERY, req.query, 'Invalid query', '');
    const query = {
      ...(q.label ? { label: q.label } : {}),
      ...(q.createdFrom ? { createdFrom: new Date(q.createdFrom) } : {}),
      ...(q.createdTo ? { createdTo: new Date(q.createdTo) } : {}),
      ...(q.removed ? { removed: q.removed === 'true' } : {}),
    };
    if (q.format === 'csv') {
      await streamCsv(
        res,
        `otp-devices-${realm}.csv`,
        CSV_COLUMNS,
        (row: DeviceRow) => CSV_COLUMNS.map((c) => row[c]),
        (first, max) => findDevices(db, realm, { ...query, first, max }),
      );
      return;
    }
    res.json({
      first: q.first,
      max: q.max,
      devices: await findDevices(db, realm, { ...query, first: q.first, max: q.max }),
    });
  });

  const sync = Router();
  sync.get('/', async (_req, res) => {
    res.json({ running: mirror.isRunning, ...(await mirror.state()) });
  });
  sync.post('/', async (_req, res) => {
    if (mirror.isRunning) throw new ApiError(409, 'sync_running', 'A full sync is already running');
    void startFullSync();
    res.status(202).json({ started: true });
  });

  return { users, devices, sync };
};
