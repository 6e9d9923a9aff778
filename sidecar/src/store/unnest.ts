/**
 * Batch writes pass one array per column and `unnest` them into rows, so a page of rows costs one
 * statement. Each array is text (null for a missing value, ISO for a time); the SQL casts it back.
 */
export const columnsOf =
  <R>(rows: readonly R[]) =>
  (pick: (row: R) => unknown): (string | null)[] =>
    rows.map((row) => {
      const value = pick(row);
      return value === undefined || value === null ? null : value instanceof Date ? value.toISOString() : String(value);
    });
