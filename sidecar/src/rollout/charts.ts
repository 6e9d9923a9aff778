/**
 * The dashboard's charts as SVG strings rendered on the server from the data: no script, no library, no
 * inline style (the page's CSP forbids both); colours come from presentation attributes and CSS classes.
 * Each chart has role="img" with a <title> and <desc>; the page puts a data table next to it. Words,
 * numbers and days come in the staff member's language (ChartWords).
 */
import { escapeHtml } from '../util/html.js';
import type { RolloutCounts, WeekCount } from './records.js';

const WIDTH = 720;
const HEIGHT = 240;
const PAD = { left: 48, right: 16, top: 16, bottom: 32 };

/** A chart's words and how it writes numbers and days, in the reader's language. */
export interface ChartWords {
  title: string;
  desc: string;
  count: (n: number) => string;
  /** a share, 0..100 */
  percent: (n: number) => string;
  /** a day (`YYYY-MM-DD`) on an axis */
  day: (day: string) => string;
  /** the deadline marker's label */
  deadline: (day: string) => string;
}

const svgOpen = (id: string, words: ChartWords, height = HEIGHT) =>
  `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" ` +
  `xmlns="http://www.w3.org/2000/svg"><title id="${id}-title">${escapeHtml(words.title)}</title>` +
  `<desc id="${id}-desc">${escapeHtml(words.desc)}</desc>`;

const round = (n: number) => Math.round(n * 10) / 10;

/** A round upper bound for the y axis. */
export const niceMax = (value: number): number => {
  // At least 10, so the half-way tick is a whole number.
  if (value <= 10) return 10;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= value) ?? 10;
  return step * magnitude;
};

const yAxis = (max: number, height: number, count: ChartWords['count']) => {
  const plot = height - PAD.top - PAD.bottom;
  return [0, 0.5, 1]
    .map((f) => {
      const y = round(PAD.top + plot * (1 - f));
      return (
        `<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y}" y2="${y}"/>` +
        `<text class="axis" x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${escapeHtml(count(Math.round(max * f)))}</text>`
      );
    })
    .join('');
};

/** Enrolment over time: enrolled as an area, required as a line, the deadline as a marker when in range. */
export const enrolmentChart = (
  series: { day: string; counts: RolloutCounts }[],
  deadline: string | null,
  words: ChartWords,
): string => {
  const max = niceMax(Math.max(1, ...series.map((p) => p.counts.required)));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => round(PAD.left + (series.length < 2 ? plotW / 2 : (plotW * i) / (series.length - 1)));
  const y = (v: number) => round(PAD.top + plotH * (1 - v / max));
  const line = (pick: (c: RolloutCounts) => number) => series.map((p, i) => `${x(i)},${y(pick(p.counts))}`).join(' ');
  const base = y(0);
  const area = series.length
    ? `<polygon class="enrolled-area" points="${x(0)},${base} ${line((c) => c.enrolled)} ${x(series.length - 1)},${base}"/>`
    : '';
  const first = series[0]?.day ?? '';
  const last = series.at(-1)?.day ?? '';
  const labels =
    (first ? `<text class="axis" x="${PAD.left}" y="${HEIGHT - 8}">${escapeHtml(words.day(first))}</text>` : '') +
    (last
      ? `<text class="axis" x="${WIDTH - PAD.right}" y="${HEIGHT - 8}" text-anchor="end">${escapeHtml(words.day(last))}</text>`
      : '');
  const marker =
    deadline && deadline >= first && deadline <= last && series.length > 1
      ? deadlineMarker(x(series.findIndex((p) => p.day >= deadline)), words.deadline(deadline))
      : '';
  return (
    `${svgOpen('enrolment', words)}${yAxis(max, HEIGHT, words.count)}${area}` +
    `<polyline class="enrolled-line" fill="none" points="${line((c) => c.enrolled)}"/>` +
    `<polyline class="required-line" fill="none" points="${line((c) => c.required)}"/>` +
    `${marker}${labels}</svg>`
  );
};

const deadlineMarker = (x: number, label: string) =>
  `<line class="deadline" x1="${x}" x2="${x}" y1="${PAD.top}" y2="${HEIGHT - PAD.bottom}"/>` +
  `<text class="axis" x="${x + 4}" y="${PAD.top + 10}">${escapeHtml(label)}</text>`;

/** One horizontal progress bar per group: enrolled share of required. */
export const groupBars = (groups: { path: string; percent: number }[], words: ChartWords): string => {
  const rowH = 28;
  const height = Math.max(1, groups.length) * rowH + 8;
  const labelW = 200;
  const barW = WIDTH - labelW - 80;
  const rows = groups
    .map((g, i) => {
      const y = 4 + i * rowH;
      const w = round((barW * Math.min(100, Math.max(0, g.percent))) / 100);
      return (
        `<text class="label" x="${labelW - 8}" y="${y + 17}" text-anchor="end">${escapeHtml(g.path)}</text>` +
        `<rect class="bar-track" x="${labelW}" y="${y + 4}" width="${barW}" height="18" rx="3"/>` +
        `<rect class="bar-fill" x="${labelW}" y="${y + 4}" width="${w}" height="18" rx="3"/>` +
        `<text class="label" x="${labelW + barW + 8}" y="${y + 17}">${escapeHtml(words.percent(g.percent))}</text>`
      );
    })
    .join('');
  return `${svgOpen('groups', words, height)}${rows}</svg>`;
};

/** Weekly counts of several series side by side, one group of bars per week. */
export const weeklyBars = (
  series: { name: string; className: string; weeks: WeekCount[] }[],
  words: ChartWords,
): string => {
  const weeks = series[0]?.weeks.map((w) => w.week) ?? [];
  const max = niceMax(Math.max(1, ...series.flatMap((s) => s.weeks.map((w) => w.count))));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, weeks.length);
  const barW = (slot * 0.8) / Math.max(1, series.length);
  const bars = series
    .flatMap((s, j) =>
      s.weeks.map((w, i) => {
        const h = round((plotH * w.count) / max);
        const x = round(PAD.left + slot * i + slot * 0.1 + barW * j);
        return `<rect class="${s.className}" x="${x}" y="${round(PAD.top + plotH - h)}" width="${round(barW)}" height="${h}"/>`;
      }),
    )
    .join('');
  const labels = weeks
    .map((week, i) =>
      (weeks.length - 1 - i) % 2 === 0 // every other week, the current one always
        ? `<text class="axis" x="${round(PAD.left + slot * i + slot / 2)}" y="${HEIGHT - 8}" text-anchor="middle">${escapeHtml(words.day(week))}</text>`
        : '',
    )
    .join('');
  return `${svgOpen('weekly', words)}${yAxis(max, HEIGHT, words.count)}${bars}${labels}</svg>`;
};
