/**
 * Logs a person can read on a terminal, JSON lines for a log collector: LOG_FORMAT=pretty (or auto on a TTY)
 * goes through pino-pretty, the default on anything but a TTY stays JSON; in both the start banner is
 * printed once, its lines together, and no secret appears.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prettyLogs } from '../../sidecar/src/observability/logger.js';
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest } from '../support/keycloak.js';
import { startSidecarProcess } from '../support/sidecar-process.js';
import {
  bootstrapRealm,
  DISTANT_DEADLINE,
  SIDECAR_SECRET,
  type TestRealm,
  testSidecarEnv,
} from '../support/sidecar-realm.js';
import { type MailCatcher, startMailCatcher } from '../support/smtp.js';

const SESSION_SECRET = 'helpdesk-session-secret-for-the-log-test-0123456789';
const BEARER = 'bearer-token-that-must-not-be-logged-0123456789';
const BANNER = [/^OTP sidecar:\s+http:/, /^\s+management:\s+http:/, /^\s+helpdesk page:\s+http:/];

let kut: KeycloakUnderTest;
let mail: MailCatcher;
let target: TestRealm;

beforeAll(async () => {
  [kut, mail] = await Promise.all([startKeycloakUnderTest(), startMailCatcher()]);
  target = await bootstrapRealm(await masterAdminClient(kut), mail, { enforcement: DISTANT_DEADLINE }, 'logs');
});
afterAll(async () => {
  await Promise.all([mail?.close(), kut?.close()]);
});

/** Runs the sidecar process with a format, serves a few requests (one with a bearer token), stops it: its output. */
const runWith = async (format: Record<string, string>): Promise<string[]> => {
  const sidecar = await startSidecarProcess({
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...testSidecarEnv(kut, mail, target, {
      SIDECAR_DATA_DIR: mkdtempSync(join(tmpdir(), 'sidecar-logs-')),
      HELPDESK_SESSION_SECRET: SESSION_SECRET,
      LOG_LEVEL: 'debug',
      ...format,
    }),
  });
  await fetch(`${sidecar.url}/api/v1/compliance`, { headers: { authorization: `Bearer ${BEARER}` } });
  await fetch(`${sidecar.url}/recovery`);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await sidecar.kill('SIGTERM');
  return sidecar.output().split('\n');
};

const isJsonObject = (line: string) => {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
};

/** The banner once, its lines one after the other (no log line in between or inside them). */
const expectBannerTogether = (lines: string[]) => {
  const start = lines.findIndex((line) => BANNER[0]?.test(line));
  expect(start).toBeGreaterThanOrEqual(0);
  for (const [i, pattern] of BANNER.entries()) expect(lines[start + i]).toMatch(pattern);
  expect(lines.filter((line) => BANNER[0]?.test(line))).toHaveLength(1);
};

const expectNoSecret = (lines: string[]) => {
  const text = lines.join('\n');
  for (const secret of [SIDECAR_SECRET, SESSION_SECRET, BEARER]) expect(text).not.toContain(secret);
};

test('auto is pretty on a terminal only; json and pretty are what they say', () => {
  expect(prettyLogs('auto', true)).toBe(true);
  expect(prettyLogs('auto', false)).toBe(false);
  expect(prettyLogs('json', true)).toBe(false);
  expect(prettyLogs('pretty', false)).toBe(true);
});

test('by default, on a pipe, every log line is JSON; the banner stays together; no secret', async () => {
  const lines = await runWith({});
  expectBannerTogether(lines);
  const logLines = lines.filter((line) => line.startsWith('{'));
  expect(logLines.length).toBeGreaterThan(3);
  for (const line of logLines) expect(isJsonObject(line)).toBe(true);
  expect(logLines.map((line) => JSON.parse(line).msg)).toEqual(
    expect.arrayContaining(['sidecar started', 'request completed']),
  );
  expectNoSecret(lines);
}, 90_000);

test('LOG_FORMAT=pretty prints readable lines, none of them JSON; the banner stays together; no secret', async () => {
  const lines = await runWith({ LOG_FORMAT: 'pretty' });
  expectBannerTogether(lines);
  expect(lines.some(isJsonObject)).toBe(false);
  expect(lines.some((line) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO.*: sidecar started/.test(line))).toBe(true);
  expect(lines.some((line) => /INFO.*: request completed/.test(line))).toBe(true);
  expectNoSecret(lines);
}, 90_000);
