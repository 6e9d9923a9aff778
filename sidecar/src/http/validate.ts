/** Parse-or-400: a request part read through its zod schema, or the 400 that lists what was wrong. */
import type { z } from 'zod';
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
