/** The rollout dashboard's arithmetic and charts, without servers: projection, series, weeks, SVG. */
import { translatorFor } from '../../../sidecar/src/i18n/index.js';
import {
  type ChartWords,
  enrolmentChart,
  groupBars,
  niceMax,
  weeklyBars,
} from '../../../sidecar/src/rollout/charts.js';
import {
  addDays,
  linearFit,
  percentEnrolled,
  project,
  seriesOf,
  weeklySeries,
  weekStartOf,
} from '../../../sidecar/src/rollout/progress.js';
import type { RolloutCounts, Snapshot } from '../../../sidecar/src/rollout/records.js';
import { formatsOf, projectionText } from '../../../sidecar/src/rollout/view.js';

/** A chart's words as plain as can be: ISO days, bare numbers. */
const words = (title: string, desc: string): ChartWords => ({
  title,
  desc,
  count: String,
  percent: (n) => `${n}%`,
  day: (day) => day,
  deadline: (day) => `deadline ${day}`,
});
const inWords = (locale: 'en' | 'fr' | 'de', p: Parameters<typeof projectionText>[2]) =>
  projectionText(translatorFor(locale), formatsOf(translatorFor(locale)), p);

const counts = (required: number, enrolled: number): RolloutCounts => ({
  required,
  enrolled,
  pending: required - enrolled,
  exempt: 0,
});
/** `days` daily points from 2026-11-01, enrolled given per day. */
const daily = (required: number, enrolled: (i: number) => number, days: number) =>
  Array.from({ length: days }, (_, i) => ({ day: addDays('2026-11-01', i), counts: counts(required, enrolled(i)) }));

describe('the projection', () => {
  test('a steady pace gives the day pending reaches zero', () => {
    // 100 required, 40 enrolled on day 0, 5 more a day: 60 pending, zero after 12 days.
    const series = daily(100, (i) => 40 + 5 * i, 6);
    expect(project(series)).toEqual({ status: 'on-pace', day: '2026-11-13', perDay: 5 });
    expect(project(series, '2026-12-31')).toMatchObject({ day: '2026-11-13', beforeDeadline: true });
    expect(project(series, '2026-11-10')).toMatchObject({ beforeDeadline: false });
  });

  test('only the last 14 days count', () => {
    // Fast at first (10 a day for 10 days), then 1 a day for 14 days: the projection follows the slow pace.
    const fast = daily(1000, (i) => 10 * i, 10);
    const slow = daily(1000, (i) => 90 + i, 24).slice(10);
    const series = [...fast, ...slow];
    const projection = project(series);
    expect(projection).toMatchObject({ status: 'on-pace', perDay: 1 });
    // 1000 - (90 + 23) = 887 pending on 2026-11-24, one a day.
    expect(projection).toMatchObject({ day: addDays('2026-11-24', 887) });
  });

  test('flat or falling enrolment is "not at this pace"', () => {
    expect(project(daily(100, () => 40, 14))).toEqual({ status: 'not-at-this-pace', perDay: 0 });
    // New accounts arrive faster than people enrol: pending rises.
    const rising = Array.from({ length: 5 }, (_, i) => ({
      day: addDays('2026-11-01', i),
      counts: counts(100 + 10 * i, 40 + i),
    }));
    expect(project(rising).status).toBe('not-at-this-pace');
    expect(inWords('en', project(rising))).toMatch(/^Not at this pace/);
  });

  test('done is done, and one day is too few', () => {
    expect(project(daily(10, () => 10, 3))).toEqual({ status: 'complete' });
    expect(project(daily(10, () => 3, 1))).toEqual({ status: 'too-few-days' });
    expect(project([])).toEqual({ status: 'too-few-days' });
  });

  test('the line fit is least squares', () => {
    expect(
      linearFit([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 5 },
      ]),
    ).toEqual({ slope: 2, intercept: 1 });
    expect(
      linearFit([
        { x: 3, y: 7 },
        { x: 3, y: 9 },
      ]),
    ).toEqual({ slope: 0, intercept: 8 });
  });
});

describe('the series', () => {
  const snapshot = (day: string, groupPath: string, required: number, enrolled: number): Snapshot => ({
    day,
    groupPath,
    ...counts(required, enrolled),
  });

  test("a group's past days, oldest first, then today's live counts replacing today's snapshot", () => {
    const snapshots = [
      snapshot('2026-11-01', '*', 10, 1),
      snapshot('2026-11-01', '/staff', 4, 0),
      snapshot('2026-11-02', '*', 10, 3),
      snapshot('2026-11-03', '*', 10, 4),
    ];
    const series = seriesOf(snapshots, '*', { day: '2026-11-03', counts: counts(10, 6) });
    expect(series.map((p) => [p.day, p.counts.enrolled])).toEqual([
      ['2026-11-01', 1],
      ['2026-11-02', 3],
      ['2026-11-03', 6],
    ]);
  });

  test('weeks start on Monday (UTC) and empty weeks count zero', () => {
    expect(weekStartOf(new Date('2026-12-02T08:00:00Z'))).toBe('2026-11-30'); // a Wednesday
    expect(weekStartOf(new Date('2026-11-30T00:00:00Z'))).toBe('2026-11-30');
    expect(weekStartOf(new Date('2026-12-06T23:59:59Z'))).toBe('2026-11-30'); // Sunday
    const weeks = weeklySeries([{ week: '2026-11-16', count: 4 }], new Date('2026-12-02T08:00:00Z'), 3);
    expect(weeks).toEqual([
      { week: '2026-11-16', count: 4 },
      { week: '2026-11-23', count: 0 },
      { week: '2026-11-30', count: 0 },
    ]);
  });

  test('the enrolled share', () => {
    expect(percentEnrolled(counts(3, 1))).toBe(33.3);
    expect(percentEnrolled(counts(0, 0))).toBe(100);
  });
});

describe('the charts', () => {
  test('are accessible SVG drawn from the data', () => {
    const svg = enrolmentChart(
      daily(100, (i) => 40 + 5 * i, 6),
      '2026-11-03',
      words('Enrolment over time', 'six days <of> data'),
    );
    expect(svg).toMatch(/^<svg [^>]*role="img"/);
    expect(svg).toContain('<title id="enrolment-title">Enrolment over time</title>');
    expect(svg).toContain('<desc id="enrolment-desc">six days &#60;of&#62; data</desc>');
    expect(svg).toContain('deadline 2026-11-03');
    expect(svg).not.toMatch(/style=|<script/);
    // 6 points on each line; the first enrolled point (40 of a 100 axis) sits 60% down the plot.
    const enrolled = /class="enrolled-line"[^>]*points="([^"]+)"/.exec(svg)?.[1]?.split(' ') ?? [];
    expect(enrolled).toHaveLength(6);
    expect(enrolled[0]).toBe('48,131.2');
  });

  test('progress bars are as long as the share enrolled', () => {
    const svg = groupBars(
      [
        { path: '/staff', percent: 50 },
        { path: '/guests', percent: 100 },
      ],
      words('Progress per group', 'two groups'),
    );
    const fills = [...svg.matchAll(/class="bar-fill"[^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(fills).toEqual([220, 440]);
  });

  test('weekly bars: one per series and week, scaled to a round maximum', () => {
    expect(niceMax(7)).toBe(10);
    expect(niceMax(130)).toBe(200);
    const weeks = (n: number) => [
      { week: '2026-11-23', count: n },
      { week: '2026-11-30', count: 0 },
    ];
    const svg = weeklyBars(
      [
        { name: 'a', className: 'bar-reminders', weeks: weeks(10) },
        { name: 'b', className: 'bar-actions', weeks: weeks(5) },
      ],
      words('Activity per week', 'd'),
    );
    const heights = [...svg.matchAll(/<rect class="bar-\w+"[^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights).toEqual([192, 0, 96, 0]);
  });
});

describe("the dashboard in the reader's language", () => {
  const onPace = { status: 'on-pace', day: '2026-12-24', perDay: 1.5, beforeDeadline: true } as const;

  test('the projection, its day and pace written as each language writes them', () => {
    expect(inWords('en', onPace)).toBe(
      'Everyone enrolled by December 24, 2026 at the current pace (1.5 users a day) — before the deadline.',
    );
    expect(inWords('fr', onPace)).toBe(
      'Tout le monde équipé d’ici le 24 décembre 2026 au rythme actuel (1,5 utilisateurs par jour) — avant l’échéance.',
    );
    expect(inWords('de', { ...onPace, beforeDeadline: false })).toBe(
      'Alle eingerichtet bis 24. Dezember 2026 beim jetzigen Tempo (1,5 Benutzer pro Tag) — nach der Frist.',
    );
  });

  test('numbers, shares and days', () => {
    const [en, fr, de] = (['en', 'fr', 'de'] as const).map((l) => formatsOf(translatorFor(l)));
    expect([en?.count(12345), fr?.count(12345), de?.count(12345)]).toEqual(['12,345', '12\u202f345', '12.345']);
    expect([en?.percent(66.6), fr?.percent(66.6), de?.percent(66.6)]).toEqual(['66.6%', '66,6\u00a0%', '66,6\u00a0%']);
    expect([en?.shortDay('2026-03-02'), fr?.shortDay('2026-03-02'), de?.shortDay('2026-03-02')]).toEqual([
      'Mar 2',
      '2 mars',
      '2. März',
    ]);
  });
});
