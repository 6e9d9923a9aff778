/**
 * The rollout's arithmetic, pure: days, the projection of the day everyone required is enrolled (a
 * least-squares line through the pending counts of the last 14 snapshots), and the weekly series with
 * their empty weeks filled in.
 */
import type { RolloutCounts, Snapshot, WeekCount } from './records.js';

const DAY = 86_400_000;

/** The UTC day of `at`, YYYY-MM-DD. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);

export const addDays = (day: string, days: number): string =>
  dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY));

const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY;

/** The Monday (UTC) of the week holding `at`. */
export const weekStartOf = (at: Date): string => {
  const day = dayOf(at);
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(day, -weekday);
};

export type Projection =
  /** nobody required is left without OTP */
  | { status: 'complete' }
  /** the day pending reaches zero at the fitted pace, and whether that is on or before the deadline */
  | { status: 'on-pace'; day: string; perDay: number; beforeDeadline?: boolean }
  /** pending is flat or rising over the window: no date at this pace */
  | { status: 'not-at-this-pace'; perDay: number }
  /** fewer than two snapshots */
  | { status: 'too-few-days' };

export const PROJECTION_WINDOW = 14;

/** Slope and intercept of the least-squares line through the points. */
export const linearFit = (points: { x: number; y: number }[]): { slope: number; intercept: number } => {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx };
};

/**
 * When pending reaches zero at the pace of the last `PROJECTION_WINDOW` daily counts (one per day, oldest
 * first). Pending rather than enrolled is fitted, so new accounts and scope changes count against the pace.
 */
export const project = (series: { day: string; counts: RolloutCounts }[], deadline?: string): Projection => {
  const last = series.at(-1);
  if (last && last.counts.pending === 0) return { status: 'complete' };
  const window = series.slice(-PROJECTION_WINDOW);
  if (window.length < 2 || !last) return { status: 'too-few-days' };
  const origin = dayNumber(window[0]?.day ?? last.day);
  const { slope, intercept } = linearFit(window.map((p) => ({ x: dayNumber(p.day) - origin, y: p.counts.pending })));
  const perDay = Math.round(-slope * 100) / 100 + 0; // + 0: no "-0" in JSON or text
  // Less than one user per 100 days is flat: no date worth printing.
  if (slope > -0.01) return { status: 'not-at-this-pace', perDay };
  const zeroAt = Math.max(Math.ceil(-intercept / slope), dayNumber(last.day) - origin);
  const day = addDays(window[0]?.day ?? last.day, zeroAt);
  return { status: 'on-pace', day, perDay, ...(deadline ? { beforeDeadline: day <= deadline } : {}) };
};

/** The days of one group's snapshots, oldest first, with today's counts (live) as the last point. */
export const seriesOf = (
  snapshots: Snapshot[],
  groupPath: string,
  today: { day: string; counts: RolloutCounts },
): { day: string; counts: RolloutCounts }[] => {
  const past = snapshots
    .filter((s) => s.groupPath === groupPath && s.day < today.day)
    .map(({ day, required, enrolled, pending, exempt }) => ({ day, counts: { required, enrolled, pending, exempt } }));
  return [...past, today];
};

/** `weeks` consecutive weeks ending with the one holding `now`, each with its count (0 when none). */
export const weeklySeries = (counts: WeekCount[], now: Date, weeks: number): WeekCount[] => {
  const byWeek = new Map(counts.map((c) => [c.week, c.count]));
  const current = weekStartOf(now);
  return Array.from({ length: weeks }, (_, i) => {
    const week = addDays(current, -7 * (weeks - 1 - i));
    return { week, count: byWeek.get(week) ?? 0 };
  });
};

/** Enrolled share of the required users, 0..100 (100 when nobody is required). */
export const percentEnrolled = (counts: RolloutCounts): number =>
  counts.required === 0 ? 100 : Math.floor((counts.enrolled / counts.required) * 1000) / 10;
