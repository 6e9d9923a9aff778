/**
 * The Rollout tab's HTML, rendered on the server from the overview: the charts as SVG, each followed
 * by a data table (the accessible alternative). The helpdesk page puts it in its frame; no script at all.
 */
import { escapeHtml } from '../util/html.js';
import { enrolmentChart, groupBars, weeklyBars } from './charts.js';
import type { Projection } from './progress.js';
import type { RolloutCounts } from './records.js';
import type { RolloutOverview } from './rollout.js';

/** The projection in words. */
export const projectionText = (p: Projection): string => {
  switch (p.status) {
    case 'complete':
      return 'Everyone required is enrolled.';
    case 'too-few-days':
      return 'Not enough history yet for a projection (needs two days).';
    case 'not-at-this-pace':
      return 'Not at this pace: pending users are not falling over the last 14 days.';
    case 'on-pace': {
      const vsDeadline =
        p.beforeDeadline === undefined ? '' : p.beforeDeadline ? ' — before the deadline' : ' — after the deadline';
      return `Everyone enrolled by ${p.day} at the current pace (${p.perDay} users a day)${vsDeadline}.`;
    }
  }
};

const cells = (values: (string | number)[], tag = 'td') =>
  `<tr>${values.map((v) => `<${tag}>${escapeHtml(String(v))}</${tag}>`).join('')}</tr>`;

const table = (caption: string, head: string[], rows: (string | number)[][]) =>
  `<details class="data"><summary>${escapeHtml(caption)} as a table</summary><table><caption>${escapeHtml(caption)}</caption>` +
  `<thead>${cells(head, 'th')}</thead><tbody>${rows.map((r) => cells(r)).join('')}</tbody></table></details>`;

const countsRow = (c: RolloutCounts) => [c.required, c.enrolled, c.pending, c.exempt];

const summary = (
  o: RolloutOverview,
) => `<section aria-labelledby="summary-h"><h2 id="summary-h">Today (${escapeHtml(o.day)})</h2>
<dl class="kpis">
<div><dt>Required</dt><dd id="kpi-required">${o.counts.required}</dd></div>
<div><dt>Enrolled</dt><dd id="kpi-enrolled">${o.counts.enrolled} (${o.percent}%)</dd></div>
<div><dt>Pending</dt><dd id="kpi-pending">${o.counts.pending}</dd></div>
<div><dt>Deadline</dt><dd id="kpi-deadline">${escapeHtml(o.deadline ?? 'none')}</dd></div>
</dl>
<p id="projection">${escapeHtml(projectionText(o.projection))}</p>
<p><a href="/api/v1/rollout/pending.csv" download>Download the pending users (CSV)</a></p></section>`;

const enrolmentSection = (o: RolloutOverview) => {
  const last = o.series.at(-1);
  const desc = `Enrolled and required users per day from ${o.series[0]?.day} to ${last?.day}; today ${o.counts.enrolled} of ${o.counts.required} enrolled.`;
  return `<section aria-labelledby="enrolment-h"><h2 id="enrolment-h">Enrolment over time</h2>
<p class="legend"><span class="key enrolled">Enrolled</span> <span class="key required">Required</span></p>
${enrolmentChart(o.series, o.deadline, desc)}
${table(
  'Enrolment per day',
  ['Day', 'Required', 'Enrolled', 'Pending', 'Exempt'],
  o.series.map((p) => [p.day, ...countsRow(p.counts)]),
)}</section>`;
};

const groupsSection = (o: RolloutOverview) => {
  if (o.groups.length === 0)
    return `<section aria-labelledby="groups-h"><h2 id="groups-h">Progress per group</h2><p>No group is followed yet (the first snapshot comes with the next enforcement pass).</p></section>`;
  const lagging = [...o.groups].sort((a, b) => a.percent - b.percent)[0];
  const desc = `Share of required users enrolled per group against the deadline ${o.deadline ?? '(none)'}; furthest behind: ${lagging?.path} at ${lagging?.percent}%.`;
  return `<section aria-labelledby="groups-h"><h2 id="groups-h">Progress per group</h2>
<p>Deadline: ${escapeHtml(o.deadline ?? 'none')}</p>
${groupBars(o.groups, desc)}
${table(
  'Progress per group',
  ['Group', 'Required', 'Enrolled', 'Pending', 'Exempt', 'Enrolled %', 'Projection'],
  o.groups.map((g) => [g.path, ...countsRow(g.counts), `${g.percent}%`, projectionText(g.projection)]),
)}</section>`;
};

const weeklySection = (o: RolloutOverview) => {
  const { reminders, recoveries, helpdeskActions } = o.weekly;
  const total = (w: { count: number }[]) => w.reduce((s, x) => s + x.count, 0);
  const desc = `Over the last ${reminders.length} weeks: ${total(reminders)} users reminded, ${total(recoveries)} recoveries, ${total(helpdeskActions)} helpdesk actions.`;
  return `<section aria-labelledby="weekly-h"><h2 id="weekly-h">Reminders, recoveries and helpdesk actions per week</h2>
<p class="legend"><span class="key reminders">Users reminded</span> <span class="key recoveries">Recoveries</span> <span class="key actions">Helpdesk actions</span></p>
${weeklyBars(
  [
    { name: 'Users reminded', className: 'bar-reminders', weeks: reminders },
    { name: 'Recoveries', className: 'bar-recoveries', weeks: recoveries },
    { name: 'Helpdesk actions', className: 'bar-actions', weeks: helpdeskActions },
  ],
  desc,
)}
<p class="note">Reminders count each user in the week of their latest reminder.</p>
${table(
  'Activity per week',
  ['Week of', 'Users reminded', 'Recoveries', 'Helpdesk actions'],
  reminders.map((w, i) => [w.week, w.count, recoveries[i]?.count ?? 0, helpdeskActions[i]?.count ?? 0]),
)}</section>`;
};

/** The Rollout tab's content (the helpdesk page's `main`): today, enrolment, groups, weeks. */
export const dashboardMain = (o: RolloutOverview): string =>
  `${summary(o)}${enrolmentSection(o)}${groupsSection(o)}${weeklySection(o)}`;
