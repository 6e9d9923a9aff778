/**
 * The HTTP shell every capability is mounted in: request ids, the one log line per request (path and
 * status only), the request metric, JSON errors. Real HTTP on loopback, the real logger writing to memory.
 */
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Router } from 'express';
import { createApp, createManagementApp } from '../../sidecar/src/http/app.js';
import { createLogger } from '../../sidecar/src/observability/logger.js';
import { createMetrics } from '../../sidecar/src/observability/metrics.js';

const lines: Record<string, any>[] = [];
const memory = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});
const metrics = createMetrics();
let base: string;
let management: string;
let close: () => Promise<unknown>;
const readiness = [
  { name: 'store', check: async () => true },
  { name: 'keycloak', check: async () => false },
];

const listenOn = async (app: ReturnType<typeof createApp>) => {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
};

beforeAll(async () => {
  const things = Router();
  things.get('/slow', async (_req, res) => {
    await delay(500);
    res.json({ late: true });
  });
  things.get('/:id', (req, res) => {
    res.setHeader('Set-Cookie', 'session=cookie-value-never-logged');
    res.json({ id: req.params.id });
  });
  const logger = createLogger('info', memory);
  const publicSide = await listenOn(createApp({ logger, metrics, readiness, api: { '/things': things } }));
  const managementSide = await listenOn(createManagementApp({ logger, metrics, readiness }));
  base = publicSide.url;
  management = managementSide.url;
  close = () => Promise.all([publicSide.close(), managementSide.close()]);
});
afterAll(() => close());

const completed = (id: string) => lines.find((l) => l.msg === 'request completed' && l.req?.id === id);

test('a plain caller request id is echoed; anything else is replaced by a new UUID', async () => {
  const echoed = await fetch(`${base}/api/v1/things/a`, { headers: { 'x-request-id': 'trace-42.a_b' } });
  expect(echoed.headers.get('x-request-id')).toBe('trace-42.a_b');
  for (const given of ['has space', 'x'.repeat(65), 'semi;colon']) {
    const replaced = await fetch(`${base}/api/v1/things/a`, { headers: { 'x-request-id': given } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  }
  const none = await fetch(`${base}/healthz`);
  expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
});

test('each request is logged once when answered: method, path without query, status, time; no headers', async () => {
  const response = await fetch(`${base}/api/v1/things/b?code=123456&token=secret-query`, {
    headers: { 'x-request-id': 'log-1', authorization: 'Bearer secret-bearer', cookie: 'session=secret-cookie' },
  });
  expect(response.status).toBe(200);
  await response.text();
  await new Promise((resolve) => setImmediate(resolve));
  const line = completed('log-1');
  expect(line).toMatchObject({
    level: 30,
    req: { id: 'log-1', method: 'GET', path: '/api/v1/things/b' },
    res: { statusCode: 200 },
  });
  expect(typeof line?.responseTime).toBe('number');
  expect(lines.filter((l) => l.req?.id === 'log-1')).toHaveLength(1);
  const text = JSON.stringify(lines);
  for (const secret of ['123456', 'secret-query', 'secret-bearer', 'secret-cookie', 'cookie-value-never-logged'])
    expect(text).not.toContain(secret);
});

test('probes are not logged; unknown paths are, with a JSON 404', async () => {
  for (const path of ['/healthz', '/readyz'])
    await fetch(`${base}${path}`, { headers: { 'x-request-id': `probe${path.replace('/', '-')}` } });
  const missing = await fetch(`${base}/api/v1/nowhere`, { headers: { 'x-request-id': 'missing-1' } });
  expect(missing.status).toBe(404);
  expect(await missing.json()).toMatchObject({ error: expect.any(String) });
  await new Promise((resolve) => setImmediate(resolve));
  expect(lines.filter((l) => String(l.req?.id).startsWith('probe'))).toHaveLength(0);
  expect(completed('missing-1')).toMatchObject({ res: { statusCode: 404 } });
});

test('the public /readyz tells the status only; the checks and /metrics are on the management listener', async () => {
  const publicReady = await fetch(`${base}/readyz`);
  expect([publicReady.status, await publicReady.json()]).toEqual([503, { status: 'not_ready' }]);
  expect((await fetch(`${base}/metrics`)).status).toBe(404);
  const detailed = await fetch(`${management}/readyz`);
  expect([detailed.status, await detailed.json()]).toEqual([
    503,
    { status: 'not_ready', checks: { store: 'ok', keycloak: 'failing' } },
  ]);
  const scraped = await fetch(`${management}/metrics`);
  expect([scraped.status, scraped.headers.get('content-type')]).toEqual([200, metrics.registry.contentType]);
  expect(await scraped.text()).toContain('otp_sidecar_http_requests_total');
  expect((await fetch(`${management}/api/v1/things/a`)).status).toBe(404);
});

test('every answer counts in the request metric by route and status class', async () => {
  await fetch(`${base}/api/v1/things/c`);
  await fetch(`${base}/api/v1/nowhere`);
  const text = await metrics.registry.metrics();
  expect(text).toMatch(
    /otp_sidecar_http_requests_total\{route="\/api\/v1\/things\/:id",method="GET",status="2xx"\} [1-9]/,
  );
  expect(text).toMatch(/otp_sidecar_http_requests_total\{route="unmatched",method="GET",status="4xx"\} [1-9]/);
});

test('a client that leaves before the answer is logged and counted as aborted', async () => {
  await expect(
    fetch(`${base}/api/v1/things/slow`, { headers: { 'x-request-id': 'gone-1' }, signal: AbortSignal.timeout(100) }),
  ).rejects.toThrow();
  for (let i = 0; i < 50 && !lines.some((l) => l.req?.id === 'gone-1'); i++) await delay(20);
  expect(lines.find((l) => l.req?.id === 'gone-1')).toMatchObject({
    msg: 'request aborted',
    res: { statusCode: null },
  });
  expect(await metrics.registry.metrics()).toMatch(
    /otp_sidecar_http_requests_total\{route="\/api\/v1\/things\/slow",method="GET",status="aborted"\} 1/,
  );
  await delay(600); // the handler's late answer goes nowhere and changes nothing
  expect(lines.filter((l) => l.req?.id === 'gone-1')).toHaveLength(1);
});
