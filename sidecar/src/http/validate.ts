/**
 * Parse-or-400: a request part read through its zod schema, or the 400 that lists what was wrong; and the
 * query fields every list endpoint shares, so they page and filter dates alike.
 */
import { z } from 'zod';
import { badRequest } from './errors.js';

/**
 * `value` (a body or a query; absent counts as empty) as `schema` describes it. Each issue in the 400's
 * details is `path: message`; an issue about the whole value is named `whole` ('body' unless given).
 */
export const parseOr400 = <S extends z.ZodType>(
  schema: S,
  value: unknown,
  message = 'Invalid request',
  whole = 'body',
): z.infer<S> => {
  const result = schema.safeParse(value ?? {});
  if (!result.success)
    throw badRequest(
      message,
      result.error.issues.map((i) => `${i.path.join('.') || whole}: ${i.message}`),
    );
  return result.data;
};

/** A filter bound: a date, or a date and time with its offset. */
export const isoDateOrTime = () => z.iso.datetime({ offset: true }).or(z.iso.date());

/** A list's JSON page (`first`, `max` ≤ 500) or, with `format=csv`, all of it; spread last into the schema. */
export const LIST_QUERY = {
  first: z.coerce.number().int().min(0).default(0),
  max: z.coerce.number().int().min(1).max(500).default(100),
  format: z.enum(['json', 'csv']).default('json'),
};
