/**
 * The Grafana dashboard and the Prometheus alert rules of deploy/observability/ cannot drift from the code:
 * every metric their expressions name is one a running sidecar serves on its management /metrics, and the
 * helpdesk routes they select are route labels the sidecar really writes. The rules cover what an operator
 * must hear about, each with a delay, a severity and a text saying what to check.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { jsonCall } from '../support/http-json.js';
import { DISTANT_DEADLINE, helpdeskToken } from '../support/sidecar-realm.js';
import { type SidecarWorld, startSidecarWorld } from '../support/sidecar-world.js';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Panel {
  type: string;
  title: string;
  id: number;
  gridPos: { x: number; w: number };
  targets?: { expr: string }[];
}

const rules = (
  parse(readFileSync('deploy/observability/alert-rules.yaml', 'utf8')).groups as { rules: Rule[] }[]
).flatMap((g) => g.rules);
const dashboard = JSON.parse(readFileSync('deploy/observability/grafana-dashboard.json', 'utf8'));
const panels = dashboard.panels as Panel[];
const panelExprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
const variableMetrics = (dashboard.templating.list as { definition?: string }[]).flatMap((v) =>
  [...(v.definition ?? '').matchAll(/label_values\((\w+)/g)].map((m) => m[1] as string),
);
const allExprs = [...rules.map((r) => r.expr), ...panelExprs];

/** PromQL keywords that read like names outside parentheses */
const KEYWORDS = new Set(['and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan', 'Inf', 'NaN']);

/**
 * The metric names in a PromQL expression: what is left of its names once strings, label matchers, range
 * selectors, grouping label lists and Grafana variables are cut out, less functions (a name before "(")
 * and keywords.
 */
const metricNamesIn = (expr: string): string[] => {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ');
  const names = [...bare.matchAll(/(?<![\w:.$])[A-Za-z_][\w:]*(?![\w:])(?!\s*\()/g)].map((m) => m[0]);
  return [...new Set(names.filter((n) => !KEYWORDS.has(n)))];
};

/** Each family of a Prometheus text exposition, by its `# TYPE` line (a labelled counter has no sample until used). */
const familiesOf = (text: string) =>
  new Map([...text.matchAll(/^# TYPE (\S+) (\w+)$/gm)].map((m) => [m[1] as string, m[2] as string]));

/** A name a query may use: a family, or a histogram's (or summary's) _bucket/_sum/_count series. */
const served = (families: Map<string, string>, name: string) => {
  if (families.has(name)) return true;
  const [, base, suffix] = /^(.*)_(bucket|sum|count)$/.exec(name) ?? [];
  const type = families.get(base ?? '');
  return type === 'histogram' || (type === 'summary' && suffix !== 'bucket');
};

test('metric names are found in PromQL, and only metric names', () => {
  expect(
    metricNamesIn(
      'sum by (le, route) (rate(a_bucket{job=~"$job",route="/x/:id"}[$__rate_interval])) / on(job) b_total and ' +
        'time() - max without (pod) (c_seconds offset 5m) > 2 * 1e3 unless histogram_quantile(0.9, d_bucket)',
    ),
  ).toEqual(['a_bucket', 'b_total', 'c_seconds', 'd_bucket']);
});

describe('the alert rules', () => {
  test.each([
    ['a stale enforcement pass', /Reconcile.*Stale/],
    ['a stale device full sync', /FullSync.*Stale/],
    ['Keycloak down', /KeycloakDown/],
    ['a growing event lag', /EventLag/],
    ['failing email', /Email/],
    ['the helpdesk reset rate', /HelpdeskReset/],
  ])('cover %s', (_what, name) => {
    expect(rules.map((r) => r.alert)).toContainEqual(expect.stringMatching(name));
  });

  test('each waits (for:), has a severity, and says what happened and what to check', () => {
    for (const rule of rules) {
      expect(rule.for).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary?.length).toBeGreaterThan(10);
      expect(rule.annotations?.description).toMatch(/Check /);
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });
});

test('the dashboard is one Grafana accepts: unique ids, panels within the 24-column grid, a query each', () => {
  expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
  expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
  expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
  for (const panel of panels) {
    expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
    if (panel.type !== 'row') expect(panel.targets?.length).toBeGreaterThan(0);
  }
  const titles = panels.map((p) => p.title).join('\n');
  for (const topic of [
    /Pending/,
    /enforcement pass/,
    /full sync/,
    /Event lag/,
    /Keycloak/,
    /Emails/,
    /Helpdesk writes/,
  ])
    expect(titles).toMatch(topic);
  expect(titles).toMatch(/HTTP requests/);
  expect(titles).toMatch(/[Ll]atency/);
});

describe('against a running sidecar', () => {
  let world: SidecarWorld;
  let families: Map<string, string>;
  let routes: Set<string>;

  beforeAll(async () => {
    world = await startSidecarWorld({ prefix: 'observe', sidecarPolicy: { enforcement: DISTANT_DEADLINE } });
    // One call of each helpdesk write (refused: no such user), so their route labels are on /metrics.
    const token = await helpdeskToken(world.kc, world.kut, world.target.realm);
    const users = `${world.sidecar.url}/api/v1/helpdesk/users/00000000-0000-4000-8000-000000000000`;
    for (const action of ['reset-otp', 'send-setup-email', 'devices/00000000-0000-4000-8000-000000000001/remove'])
      await jsonCall(`${users}/${action}`, { token, method: 'POST', json: {} });
    const text = await (await fetch(`${world.sidecar.managementUrl}/metrics`)).text();
    families = familiesOf(text);
    routes = new Set(
      [...text.matchAll(/^otp_sidecar_http_requests_total\{[^}]*route="([^"]+)"/gm)].map((m) => m[1] as string),
    );
  }, 60_000);
  afterAll(() => world?.close());

  test('every metric the rules and the dashboard name is on its management /metrics', () => {
    const names = [...new Set([...allExprs.flatMap(metricNamesIn), ...variableMetrics])];
    expect(names.length).toBeGreaterThan(15);
    expect(names.filter((name) => !served(families, name))).toEqual([]);
  });

  test('every route the rules and the dashboard select is a route label the sidecar writes', () => {
    const matchers = allExprs.flatMap((expr) => [...expr.matchAll(/route(=~?)"([^"]+)"/g)]);
    expect(matchers.length).toBeGreaterThan(0);
    for (const [, op, value] of matchers) {
      const pattern = op === '=~' ? new RegExp(`^(?:${value})$`) : undefined;
      const matching = [...routes].filter((route) => (pattern ? pattern.test(route) : route === value));
      expect({ selector: value, matching: matching.length > 0 }).toEqual({ selector: value, matching: true });
    }
  });
});
