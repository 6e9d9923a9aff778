/**
 * Attack 7 of issue 19, the `/metrics` oracle. The attacker holds nothing but a list of usernames to try
 * and network access to the sidecar's public port; he wants to learn which usernames are accounts.
 * Before: `/metrics` was public, and `otp_sidecar_keycloak_calls_total{operation="executeActionsEmail"}`
 * rose only when a recovery request named a real account.
 * Now: the public port has no `/metrics` and its `/readyz` says only ready or not; and even someone who
 * reads the management listener's `/metrics` (an operator's dashboard) sees the same change for N requests
 * naming real accounts as for N naming made-up ones.
 */
import type { Sidecar } from '../../sidecar/src/main.js';
import { DISTANT_DEADLINE } from '../support/sidecar-realm.js';
import { type SidecarWorld, startSidecarWorld } from '../support/sidecar-world.js';
import { createTestUser, otpCredential, SECRET_A } from '../support/users.js';

let world: SidecarWorld;
let sidecar: Sidecar;
const N = 4;

beforeAll(async () => {
  world = await startSidecarWorld({
    prefix: 'oracle',
    sidecarPolicy: {
      enforcement: DISTANT_DEADLINE,
      recovery: { rateLimit: { perIpPer15Minutes: 100, perAccountPerHour: 5 } },
    },
    populate: async (kc, realm) => {
      for (let i = 0; i < N; i++)
        await createTestUser(kc, realm, `real${i}`, { credentials: [otpCredential('Phone', SECRET_A)] });
    },
  });
  sidecar = world.sidecar;
});
afterAll(() => world?.close());

const recover = (identifier: string) =>
  fetch(`${sidecar.url}/api/v1/recovery`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier }),
  }).then((r) => r.status);

/**
 * Every series of the management listener's /metrics, but those the clock drives whatever anyone asks: the
 * process's own (CPU, heap, GC, event loop), the gauges that are clock readings, and the event feed's polls
 * (one `userEvents` and one `adminEvents` call every EVENT_POLL_INTERVAL_SECONDS). A histogram's `_sum` is
 * a sum of durations: only whether it moved is kept.
 */
const CLOCK_DRIVEN =
  /^otp_sidecar_(process|nodejs)_|_timestamp_seconds\b|^otp_sidecar_event_lag_seconds\b|operation="(userEvents|adminEvents|eventsConfig)"/;
const scrape = async (): Promise<Map<string, number>> => {
  const text = await (await fetch(`${sidecar.managementUrl}/metrics`)).text();
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    if (CLOCK_DRIVEN.test(line)) continue;
    const cut = line.lastIndexOf(' ');
    const value = Number(line.slice(cut + 1));
    series.set(line.slice(0, cut), /_sum\{/.test(line) ? Math.sign(value) : value);
  }
  return series;
};

/**
 * The metrics once the work the requests started (off the request path), and what the events it caused
 * start, is done: unchanged over two event polls in a row.
 */
const settled = async () => {
  let before = await scrape();
  let still = 0;
  for (let i = 0; i < 30 && still < 2; i++) {
    await new Promise((r) => setTimeout(r, 1500));
    const now = await scrape();
    still = JSON.stringify([...now]) === JSON.stringify([...before]) ? still + 1 : 0;
    before = now;
  }
  return before;
};

const delta = (from: Map<string, number>, to: Map<string, number>) =>
  Object.fromEntries(
    [...new Set([...from.keys(), ...to.keys()])]
      .map((name) => [name, (to.get(name) ?? 0) - (from.get(name) ?? 0)] as const)
      .filter(([, change]) => change !== 0),
  );

test('the public port serves no /metrics and a /readyz without details', async () => {
  const metrics = await fetch(`${sidecar.url}/metrics`);
  expect(metrics.status).toBe(404);
  expect(await metrics.text()).not.toContain('otp_sidecar_');
  expect(await (await fetch(`${sidecar.url}/readyz`)).json()).toEqual({ status: 'ready' });
  // The operators' listener still counts the Keycloak calls of the sidecar's own work (here the first pass).
  const management = await (await fetch(`${sidecar.managementUrl}/metrics`)).text();
  expect(management).toMatch(/^otp_sidecar_keycloak_calls_total\{operation="listUsers",outcome="ok"\} [1-9]/m);
});

test('N recovery requests for real accounts change the metrics exactly as N for made-up ones', async () => {
  const start = await settled();
  for (let i = 0; i < N; i++) expect(await recover(`made-up-${i}-${Date.now()}`)).toBe(202);
  const afterMadeUp = await settled();
  for (let i = 0; i < N; i++) expect(await recover(`real${i}`)).toBe(202);
  // The requests for real accounts did their work (whatever the recovery level: the link or nothing).
  const afterReal = await settled();

  const madeUp = delta(start, afterMadeUp);
  const real = delta(afterMadeUp, afterReal);
  // The metrics do see the requests (so the comparison below compares something) ...
  expect(madeUp).toMatchObject({
    'otp_sidecar_http_requests_total{route="/api/v1/recovery/",method="POST",status="2xx"}': N,
  });
  // ... and nothing in them tells the two apart.
  expect(real).toEqual(madeUp);
}, 120_000);
