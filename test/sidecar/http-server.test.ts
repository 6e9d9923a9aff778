/**
 * The public listener's limits (http/server.ts): a client that never finishes its headers (slowloris) is
 * answered 408 and cut once the header timeout passes; over the connection cap new connections are
 * closed unanswered while the open ones still work; requests that come before the app is attached get a
 * JSON 503. Real sockets on loopback.
 */
import { connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, expect, test } from '@jest/globals';
import express from 'express';
import { type Listening, listen } from '../../sidecar/src/http/server.js';

const LIMITS = { requestTimeoutSeconds: 2, headersTimeoutSeconds: 1, keepAliveTimeoutSeconds: 5, maxConnections: 2 };
const open: Socket[] = [];
let listening: Listening | undefined;

const start = async (limits = LIMITS) => {
  listening = await listen(0, '127.0.0.1', limits);
  const app = express();
  app.get('/', (_req, res) => {
    res.json({ ok: true });
  });
  listening.serve(app);
  return listening;
};

afterEach(async () => {
  for (const socket of open.splice(0)) socket.destroy();
  const server = listening?.server;
  listening = undefined;
  if (server) await new Promise((resolve) => server.close(resolve));
});

/** A raw connection that records what it received and when it was closed. */
const rawClient = async (url: string) => {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  open.push(socket);
  const state = { received: '', closedAt: undefined as number | undefined };
  socket.on('data', (chunk) => {
    state.received += String(chunk);
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    state.closedAt = performance.now();
  });
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, state };
};

const waitUntil = async (done: () => boolean, ms: number) => {
  for (const until = performance.now() + ms; !done() && performance.now() < until; ) await delay(25);
  return done();
};

test('a client that never finishes its headers gets a JSON 408 and is cut after the header timeout', async () => {
  const { url } = await start();
  const { socket, state } = await rawClient(url);
  const started = performance.now();
  socket.write('GET / HTTP/1.1\r\nHost: sidecar\r\n');
  // One more header line every 200 ms, never the empty line that ends them.
  const drip = setInterval(() => socket.writable && socket.write(`X-Slow-${Date.now()}: a\r\n`), 200);
  try {
    expect(await waitUntil(() => state.closedAt !== undefined, 6_000)).toBe(true);
  } finally {
    clearInterval(drip);
  }
  // Cut within the header timeout plus Node's one-second check, not held for the request timeout or longer.
  expect((state.closedAt as number) - started).toBeGreaterThanOrEqual(900);
  expect((state.closedAt as number) - started).toBeLessThan(3_500);
  expect(state.received).toMatch(/^HTTP\/1\.1 408 /);
  expect(state.received).toContain('{"error":"request_timeout","message":"The request did not arrive in time"}');
});

test('over the connection cap a new connection is closed unanswered; the open ones keep working', async () => {
  const { url } = await start();
  const first = await rawClient(url);
  const second = await rawClient(url);
  await delay(100);
  const third = await rawClient(url);
  third.socket.write('GET / HTTP/1.1\r\nHost: sidecar\r\n\r\n');
  expect(await waitUntil(() => third.state.closedAt !== undefined, 2_000)).toBe(true);
  expect(third.state.received).toBe('');
  first.socket.write('GET / HTTP/1.1\r\nHost: sidecar\r\n\r\n');
  expect(await waitUntil(() => first.state.received.includes('{"ok":true}'), 2_000)).toBe(true);
  // Once one leaves, a newcomer is served.
  second.socket.destroy();
  await delay(100);
  const later = await fetch(url);
  expect([later.status, await later.json()]).toEqual([200, { ok: true }]);
});

test('before the app is attached, requests get a JSON 503', async () => {
  listening = await listen(0, '127.0.0.1', LIMITS);
  const early = await fetch(listening.url);
  expect([early.status, await early.json()]).toEqual([503, { error: 'starting', message: 'The service is starting' }]);
});
