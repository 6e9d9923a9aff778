/**
 * The sidecar never builds a URL from the request's Host header: links and redirects use PUBLIC_URL, or
 * the address it listens on when that is unset (this test's case). A 15 kB Host full of slashes (once a
 * quadratic regex's worst case, 160 ms of CPU a request) is answered at once and appears in no answer and
 * no email. The listener's settings reach the server: a slowloris client is cut after
 * HTTP_HEADERS_TIMEOUT_SECONDS.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import type { Sidecar } from '../../sidecar/src/main.js';
import { DISTANT_DEADLINE } from '../support/sidecar-realm.js';
import { type SidecarWorld, startSidecarWorld } from '../support/sidecar-world.js';
import { createTestUser, otpCredential, SECRET_A } from '../support/users.js';

let world: SidecarWorld;
let sidecar: Sidecar;

// Slashes between two letters: every start position of /\/+$/ scans to the end and fails.
const HOSTILE_HOST = `a${'/'.repeat(15_000)}a.evil.example`;

beforeAll(async () => {
  world = await startSidecarWorld({
    prefix: 'hosthdr',
    sidecarPolicy: { enforcement: DISTANT_DEADLINE, recovery: { level: 'password-and-email' } },
    populate: (kc, realm) => createTestUser(kc, realm, 'hana', { credentials: [otpCredential('Phone', SECRET_A)] }),
    env: { HTTP_HEADERS_TIMEOUT_SECONDS: '1', HTTP_REQUEST_TIMEOUT_SECONDS: '2' },
  });
  sidecar = world.sidecar;
});
afterAll(() => world?.close());

/** One request with the hostile Host header (fetch would not send it); the answer's status, headers, body. */
const withHostileHost = (path: string, method = 'GET', body?: string) =>
  new Promise<{ status: number; headers: Record<string, unknown>; body: string; ms: number }>((resolve, reject) => {
    const { hostname, port } = new URL(sidecar.url);
    const started = performance.now();
    const req = request(
      {
        hostname,
        port,
        path,
        method,
        headers: {
          host: HOSTILE_HOST,
          ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += String(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, ms: performance.now() - started }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });

test('the helpdesk sign-in redirect is built from the listen address, at once, whatever the Host', async () => {
  const answers = [];
  for (let i = 0; i < 5; i++) answers.push(await withHostileHost('/helpdesk/login'));
  for (const answer of answers) {
    expect(answer.status).toBe(302);
    const location = new URL(String(answer.headers.location));
    expect(location.searchParams.get('redirect_uri')).toBe(`${sidecar.url}/helpdesk/callback`);
    expect(JSON.stringify(answer)).not.toContain('evil.example');
  }
  // Five answers, not five times the old 160 ms of CPU each (generous for two shared cores).
  expect(answers.reduce((sum, a) => sum + a.ms, 0)).toBeLessThan(400);
});

test('a recovery request with that Host: the email the owner gets does not carry it', async () => {
  const answer = await withHostileHost('/api/v1/recovery', 'POST', JSON.stringify({ identifier: 'hana' }));
  expect(answer.status).toBe(202);
  expect(answer.body).not.toContain('evil.example');
  const email = await world.mail.waitFor((m) => m.to.includes('hana@example.org'), 15_000);
  expect(`${email.subject}${email.text}${email.html}`).not.toContain('evil.example');
});

test('the header timeout setting reaches the listener: a slowloris client is cut with a 408', async () => {
  const { hostname, port } = new URL(sidecar.url);
  const socket = connect(Number(port), hostname);
  let received = '';
  socket.on('data', (chunk) => {
    received += String(chunk);
  });
  const started = performance.now();
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now() - started)));
  socket.write('GET /healthz HTTP/1.1\r\nHost: sidecar\r\n');
  const drip = setInterval(() => socket.writable && socket.write('X-Slow: a\r\n'), 200);
  try {
    expect(await closed).toBeLessThan(3_500);
  } finally {
    clearInterval(drip);
    socket.destroy();
  }
  expect(received).toMatch(/^HTTP\/1\.1 408 /);
});
