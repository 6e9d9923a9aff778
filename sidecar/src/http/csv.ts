/** CSV exports: every cell quoted, spreadsheet formulas neutralised, streamed page by page. */
import type { Response } from 'express';

export const csvCell = (value: unknown): string => {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
};

const PAGE = 500;

/** Writes a CSV download of all rows `fetchPage(first, max)` returns, a page at a time. */
export const streamCsv = async <Row>(
  res: Response,
  filename: string,
  header: string[],
  line: (row: Row) => unknown[],
  fetchPage: (first: number, max: number) => Promise<Row[]>,
): Promise<void> => {
  res.set('Content-Type', 'text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${filename}"`);
  res.write(`${header.join(',')}\r\n`);
  for (let first = 0; ; first += PAGE) {
    const page = await fetchPage(first, PAGE);
    for (const row of page) res.write(`${line(row).map(csvCell).join(',')}\r\n`);
    if (page.length < PAGE) break;
  }
  res.end();
};
