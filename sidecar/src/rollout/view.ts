/**
 * The Rollout tab's HTML, rendered on the server from the overview in the staff member's language (words
 * from the `staff.rollout` messages, numbers and days written as the language writes them): the charts as
 * SVG, each followed by a data table (the accessible alternative). The helpdesk page puts it in its frame;
 * no script at all.
 */
import type { MessageKey, Translator } from '../i18n/index.js';
import { escapeHtml } from '../util/html.js';
import { type ChartWords, enrolmentChart, groupBars, weeklyBars } from './charts.js';
import type { Projection } from './progress.js';
import type { RolloutCounts } from './records.js';
import type { RolloutOverview } from './rollout.js';

/** Numbers, shares and days (`YYYY-MM-DD`, UTC) as the translator's language writes them. */
export const formatsOf = (t: Translator) => {
  const number = new Intl.NumberFormat(t.locale, { maximumFractionDigits: 2 });
  const share = new Intl.NumberFormat(t.locale, { style: 'percent', maximumFractionDigits: 1 });
  const short = new Intl.DateTimeFormat(t.locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const utc = (day: string) => new Date(`${day}T00:00:00Z`);
  return {
    count: (n: number) => number.format(n),
    percent: (n: number) => share.format(n / 100),
    day: (day: string) => t.date(utc(day)),
    shortDay: (day: string) => short.format(utc(day)),
  };
};
type Formats = ReturnType<typeof formatsOf>;

/** The projection in words. */
export const projectionText = (t: Translator, f: Formats, p: Projection): string => {
  switch (p.status) {
    case 'complete':
      return t.t('staff.rollout.complete');
    case 'too-few-days':
      return t.t('staff.rollout.tooFewDays');
    case 'not-at-this-pace':
      return t.t('staff.rollout.notAtThisPace');
    case 'on-pace': {
      const key: MessageKey =
        p.beforeDeadline === undefined
          ? 'staff.rollout.onPace'
          : p.beforeDeadline
            ? 'staff.rollout.onPaceBefore'
            : 'staff.rollout.onPaceAfter';
      return t.t(key, { day: f.day(p.day), perDay: f.count(p.perDay) });
    }
  }
};

const cells = (values: (string | number)[], tag = 'td') =>
  `<tr>${values.map((v) => `<${tag}>${escapeHtml(String(v))}</${tag}>`).join('')}</tr>`;

/** What each section is rendered with: the overview, the words, the formats. */
interface Ctx {
  o: RolloutOverview;
  t: Translator;
  f: Formats;
}

const table = ({ t }: Ctx, caption: string, head: string[], rows: (string | number)[][]) =>
  `<details class="data"><summary>${escapeHtml(t.t('staff.rollout.asTable', { caption }))}</summary><table><caption>${escapeHtml(caption)}</caption>` +
  `<thead>${cells(head, 'th')}</thead><tbody>${rows.map((r) => cells(r)).join('')}</tbody></table></details>`;

const COUNT_KEYS = ['required', 'enrolled', 'pending', 'exempt'] as const;
const countsHead = (t: Translator) => COUNT_KEYS.map((k) => t.t(`staff.rollout.${k}`));
const countsRow = (f: Formats, c: RolloutCounts) => COUNT_KEYS.map((k) => f.count(c[k]));

const deadlineText = ({ o, t, f }: Ctx) => (o.deadline ? f.day(o.deadline) : t.t('staff.rollout.none'));

const summary = (x: Ctx) => {
  const { o, t, f } = x;
  const w = (key: MessageKey) => escapeHtml(t.t(key));
  return `<section aria-labelledby="summary-h"><h2 id="summary-h">${escapeHtml(t.t('staff.rollout.today', { day: f.day(o.day) }))}</h2>
<dl class="kpis">
<div><dt>${w('staff.rollout.required')}</dt><dd id="kpi-required">${f.count(o.counts.required)}</dd></div>
<div><dt>${w('staff.rollout.enrolled')}</dt><dd id="kpi-enrolled">${f.count(o.counts.enrolled)} (${f.percent(o.percent)})</dd></div>
<div><dt>${w('staff.rollout.pending')}</dt><dd id="kpi-pending">${f.count(o.counts.pending)}</dd></div>
<div><dt>${w('staff.rollout.deadline')}</dt><dd id="kpi-deadline">${escapeHtml(deadlineText(x))}</dd></div>
</dl>
<p id="projection">${escapeHtml(projectionText(t, f, o.projection))}</p>
<p><a href="/api/v1/rollout/pending.csv" download>${w('staff.rollout.downloadCsv')}</a></p></section>`;
};

const chartWords = ({ t, f }: Ctx, title: string, desc: string): ChartWords => ({
  title,
  desc,
  count: f.count,
  percent: f.percent,
  day: f.shortDay,
  deadline: (day) => t.t('staff.rollout.chartDeadline', { day: f.shortDay(day) }),
});

const enrolmentSection = (x: Ctx) => {
  const { o, t, f } = x;
  const desc = t.t('staff.rollout.enrolmentDesc', {
    first: f.day(o.series[0]?.day ?? o.day),
    last: f.day(o.series.at(-1)?.day ?? o.day),
    enrolled: f.count(o.counts.enrolled),
    required: f.count(o.counts.required),
  });
  return `<section aria-labelledby="enrolment-h"><h2 id="enrolment-h">${escapeHtml(t.t('staff.rollout.enrolmentTitle'))}</h2>
<p class="legend"><span class="key enrolled">${escapeHtml(t.t('staff.rollout.enrolled'))}</span> <span class="key required">${escapeHtml(t.t('staff.rollout.required'))}</span></p>
${enrolmentChart(o.series, o.deadline, chartWords(x, t.t('staff.rollout.enrolmentTitle'), desc))}
${table(
  x,
  t.t('staff.rollout.enrolmentTable'),
  [t.t('staff.rollout.day'), ...countsHead(t)],
  o.series.map((p) => [f.day(p.day), ...countsRow(f, p.counts)]),
)}</section>`;
};

const groupsSection = (x: Ctx) => {
  const { o, t, f } = x;
  const title = t.t('staff.rollout.groupsTitle');
  const heading = `<h2 id="groups-h">${escapeHtml(title)}</h2>`;
  if (o.groups.length === 0)
    return `<section aria-labelledby="groups-h">${heading}<p>${escapeHtml(t.t('staff.rollout.noGroups'))}</p></section>`;
  const lagging = [...o.groups].sort((a, b) => a.percent - b.percent)[0];
  const desc = t.t('staff.rollout.groupsDesc', {
    deadline: deadlineText(x),
    group: lagging?.path ?? '',
    percent: f.percent(lagging?.percent ?? 0),
  });
  return `<section aria-labelledby="groups-h">${heading}
<p>${escapeHtml(t.t('staff.rollout.deadlineIs', { deadline: deadlineText(x) }))}</p>
${groupBars(o.groups, chartWords(x, title, desc))}
${table(
  x,
  title,
  [t.t('staff.rollout.group'), ...countsHead(t), t.t('staff.rollout.enrolledPercent'), t.t('staff.rollout.projection')],
  o.groups.map((g) => [g.path, ...countsRow(f, g.counts), f.percent(g.percent), projectionText(t, f, g.projection)]),
)}</section>`;
};

const weeklySection = (x: Ctx) => {
  const { o, t, f } = x;
  const { reminders, recoveries, helpdeskActions } = o.weekly;
  const total = (w: { count: number }[]) => f.count(w.reduce((s, y) => s + y.count, 0));
  const desc = t.t('staff.rollout.weeklyDesc', {
    weeks: f.count(reminders.length),
    reminded: total(reminders),
    recoveries: total(recoveries),
    actions: total(helpdeskActions),
  });
  const [reminded, recovered, acted] = (['usersReminded', 'recoveries', 'helpdeskActions'] as const).map((k) =>
    t.t(`staff.rollout.${k}`),
  ) as [string, string, string];
  return `<section aria-labelledby="weekly-h"><h2 id="weekly-h">${escapeHtml(t.t('staff.rollout.weeklyTitle'))}</h2>
<p class="legend"><span class="key reminders">${escapeHtml(reminded)}</span> <span class="key recoveries">${escapeHtml(recovered)}</span> <span class="key actions">${escapeHtml(acted)}</span></p>
${weeklyBars(
  [
    { name: reminded, className: 'bar-reminders', weeks: reminders },
    { name: recovered, className: 'bar-recoveries', weeks: recoveries },
    { name: acted, className: 'bar-actions', weeks: helpdeskActions },
  ],
  chartWords(x, t.t('staff.rollout.weeklyChart'), desc),
)}
<p class="note">${escapeHtml(t.t('staff.rollout.weeklyNote'))}</p>
${table(
  x,
  t.t('staff.rollout.weeklyChart'),
  [t.t('staff.rollout.weekOf'), reminded, recovered, acted],
  reminders.map((w, i) => [
    f.day(w.week),
    f.count(w.count),
    f.count(recoveries[i]?.count ?? 0),
    f.count(helpdeskActions[i]?.count ?? 0),
  ]),
)}</section>`;
};

/** The Rollout tab's content (the helpdesk page's `main`): today, enrolment, groups, weeks. */
export const dashboardMain = (o: RolloutOverview, t: Translator): string => {
  const x: Ctx = { o, t, f: formatsOf(t) };
  return `${summary(x)}${enrolmentSection(x)}${groupsSection(x)}${weeklySection(x)}`;
};
