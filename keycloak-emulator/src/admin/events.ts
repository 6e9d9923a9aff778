/**
 * `GET|DELETE /events` and `/admin-events`: the realm's stored events, filtered and paged like Keycloak
 * (newest first unless `direction=asc`; `dateFrom`/`dateTo` as yyyy-MM-dd or epoch millis, inclusive).
 */
import { type Request, Router } from 'express';
import { purgeExpiredEvents } from '../events/recorder.js';
import { KeycloakHttpError } from '../http/errors.js';
import type { AdminEventModel, EventModel } from '../state/model.js';
import { adminContext } from './context.js';

const badParam = (message: string) => new KeycloakHttpError(400, { error: message });

const values = (value: unknown): string[] => {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((v) => String(v).split(',')).filter(Boolean);
};

const single = (req: Request, name: string): string | undefined => {
  const value = req.query[name];
  return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
};

/** Start (or end) of a day in the server's zone for yyyy-MM-dd; epoch millis as given. */
const parseDate = (text: string | undefined, name: string, endOfDay: boolean): number | undefined => {
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw badParam(`Invalid value for '${name}', expected format is yyyy-MM-dd or an Epoch timestamp`);
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  return endOfDay ? new Date(y, m - 1, d, 23, 59, 59, 999).getTime() : new Date(y, m - 1, d).getTime();
};

const paging = (req: Request) => {
  const first = Number(single(req, 'first') ?? 0);
  const max = Number(single(req, 'max') ?? 100);
  return { first: Number.isFinite(first) && first > 0 ? first : 0, max: Number.isFinite(max) && max >= 0 ? max : 100 };
};

const direction = (req: Request): 'asc' | 'desc' => {
  const value = single(req, 'direction');
  if (value === undefined || value === '') return 'desc';
  if (value !== 'asc' && value !== 'desc') {
    throw badParam('Invalid value for sortDirection, expected value is asc or desc');
  }
  return value;
};

/** Stored order is insertion order; events of the same millisecond keep it in either direction. */
const page = <T extends { time: number }>(req: Request, all: T[], keep: (e: T) => boolean) => {
  const from = parseDate(single(req, 'dateFrom'), 'dateFrom', false);
  const to = parseDate(single(req, 'dateTo'), 'dateTo', true);
  const { first, max } = paging(req);
  const matching = all.filter(
    (e) => (from === undefined || e.time >= from) && (to === undefined || e.time <= to) && keep(e),
  );
  if (direction(req) === 'desc') matching.reverse();
  return matching.slice(first, first + max);
};

const userEventRepresentation = (e: EventModel) => ({
  id: e.id,
  time: e.time,
  type: e.type,
  realmId: e.realmId,
  ...(e.clientId === undefined ? {} : { clientId: e.clientId }),
  ...(e.userId === undefined ? {} : { userId: e.userId }),
  ...(e.sessionId === undefined ? {} : { sessionId: e.sessionId }),
  ...(e.ipAddress === undefined ? {} : { ipAddress: e.ipAddress }),
  ...(e.error === undefined ? {} : { error: e.error }),
  ...(e.details === undefined ? {} : { details: e.details }),
});

const adminEventRepresentation = (e: AdminEventModel) => ({
  id: e.id,
  time: e.time,
  realmId: e.realmId,
  authDetails: e.authDetails,
  operationType: e.operationType,
  resourceType: e.resourceType,
  resourcePath: e.resourcePath,
  ...(e.representation === undefined ? {} : { representation: e.representation }),
  ...(e.error === undefined ? {} : { error: e.error }),
  ...(e.details === undefined ? {} : { details: e.details }),
});

/** `*` in resourcePath filters matches any run of characters, as Keycloak's LIKE query does. */
const pathMatcher = (pattern: string | undefined) => {
  if (pattern === undefined) return () => true;
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return (path: string) => regex.test(path);
};

export const eventsRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });

  router.get('/events', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('view-events', 'manage-events');
    purgeExpiredEvents(ctx.realm);
    const types = new Set(values(req.query.type));
    const client = single(req, 'client');
    const user = single(req, 'user');
    const ip = single(req, 'ipAddress');
    const events = page(
      req,
      ctx.realm.events,
      (e) =>
        (types.size === 0 || types.has(e.type)) &&
        (client === undefined || e.clientId === client) &&
        (user === undefined || e.userId === user) &&
        (ip === undefined || e.ipAddress === ip),
    );
    res.json(events.map(userEventRepresentation));
  });

  router.delete('/events', (_req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-events');
    ctx.realm.events.length = 0;
    res.status(204).end();
  });

  router.get('/admin-events', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('view-events', 'manage-events');
    const operations = new Set(values(req.query.operationTypes));
    const resources = new Set(values(req.query.resourceTypes));
    const authRealm = single(req, 'authRealm');
    const authClient = single(req, 'authClient');
    const authUser = single(req, 'authUser');
    const authIp = single(req, 'authIpAddress');
    const pathMatches = pathMatcher(single(req, 'resourcePath'));
    const events = page(
      req,
      ctx.realm.adminEvents,
      (e) =>
        (operations.size === 0 || operations.has(e.operationType)) &&
        (resources.size === 0 || resources.has(e.resourceType)) &&
        (authRealm === undefined || e.authDetails.realmId === authRealm) &&
        (authClient === undefined || e.authDetails.clientId === authClient) &&
        (authUser === undefined || e.authDetails.userId === authUser) &&
        (authIp === undefined || e.authDetails.ipAddress === authIp) &&
        pathMatches(e.resourcePath),
    );
    res.json(events.map(adminEventRepresentation));
  });

  router.delete('/admin-events', (_req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-events');
    ctx.realm.adminEvents.length = 0;
    res.status(204).end();
  });

  return router;
};
