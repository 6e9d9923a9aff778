/** Query parsing and the `201 Created` answer that every admin resource shares. */
import type { Request, Response } from 'express';
import { baseUrlOf } from '../oidc/base-url.js';

export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A boolean query parameter: undefined when absent, true only for "true". */
export const bool = (value: unknown): boolean | undefined =>
  value === undefined ? undefined : String(value) === 'true';

/** A non-negative integer query parameter; absent, negative or non-numeric values give the fallback. */
export const intParam = (value: unknown, fallback: number) => {
  const n = Number(value);
  return value === undefined || !Number.isFinite(n) || n < 0 ? fallback : Math.floor(n);
};

/** The `first`/`max` window of a list (Keycloak's paging parameters). */
export const pageOf = <T>(req: Request, items: T[], defaultMax: number): T[] => {
  const first = intParam(req.query.first, 0);
  const max = intParam(req.query.max, defaultMax);
  return items.slice(first, first + max);
};

/** `201` with the new resource's URL, `<base>/admin/realms/<realm>[/<path>]`, as Location. */
export const answerCreated = (req: Request, res: Response, realmName: string, path?: string): void => {
  res
    .status(201)
    .location(`${baseUrlOf(req)}/admin/realms/${encodeURIComponent(realmName)}${path === undefined ? '' : `/${path}`}`)
    .end();
};
