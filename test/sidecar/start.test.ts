/**
 * `npm start` as a person runs it: on embedded defaults it brings up the emulator, the mail catcher and
 * the sidecar, prints the URLs and serves /readyz; the image's command does the same against a configured
 * Keycloak; a missing setting stops it with one clear line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageCommand } from '../../devkit/src/index.js';
import { startEmbedded } from '../../embedded/src/index.js';

const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

/** `npm start` as the README says: TypeScript through tsx, the embedded parts started by the same process. */
const start = (env: Record<string, string>) =>
  spawn(process.execPath, ['--import', 'tsx', 'embedded/src/start.ts'], { env: { ...baseEnv, ...env } });

/** The compiled build exactly as the container image runs it (Node flags and script from the Dockerfile). */
const startImageCommand = (env: Record<string, string>) => {
  const image = imageCommand();
  return spawn(process.execPath, [...image.nodeFlags, image.script], { env: { ...baseEnv, ...env } });
};

const output = (child: ChildProcess) => {
  const chunks: string[] = [];
  child.stdout?.on('data', (c) => chunks.push(String(c)));
  child.stderr?.on('data', (c) => chunks.push(String(c)));
  return () => chunks.join('');
};

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.on('close', resolve));

const SIDECAR_ENV = () => ({
  PORT: '0',
  METRICS_PORT: '0',
  LISTEN_HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  SIDECAR_DATA_DIR: mkdtempSync(join(tmpdir(), 'sidecar-data-')),
});

/**
 * Waits for the printed sidecar URL, then for /readyz (public: the status only; management: each check);
 * checks the helpdesk script is served and /metrics is not public; stops it with SIGTERM.
 */
const becomesReadyAndStops = async (child: ChildProcess, extraLines: RegExp[]) => {
  const text = output(child);
  try {
    let url: string | undefined;
    const until = Date.now() + 60_000;
    while (!url && Date.now() < until) {
      url = /OTP sidecar:\s+(http:\/\/\S+)/.exec(text())?.[1];
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(url).toBeDefined();
    for (const line of extraLines) expect(text()).toMatch(line);
    let status = 0;
    while (status !== 200 && Date.now() < until) {
      status = (await fetch(`${url}/readyz`)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready' });
    const management = /management:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(text())?.[1];
    expect(await (await fetch(`${management}/readyz`)).json()).toEqual({
      status: 'ready',
      checks: { store: 'ok', keycloak: 'ok' },
    });
    expect([(await fetch(`${url}/metrics`)).status, (await fetch(`${management}/metrics`)).status]).toEqual([404, 200]);
    // The helpdesk page's script is served (the build copies it next to the compiled code).
    const script = await fetch(`${url}/helpdesk/app.js`);
    expect([script.status, script.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
  } finally {
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  }
};

test(
  'on embedded defaults it starts everything and becomes ready',
  () =>
    becomesReadyAndStops(start({ KC_HTTP_PORT: '0', MAIL_SMTP_PORT: '0', MAIL_INBOX_PORT: '0', ...SIDECAR_ENV() }), [
      /Mail inbox:\s+http:\/\/127\.0\.0\.1:\d+/,
    ]),
  90_000,
);

test('the production build, run as the container image runs it, starts against a Keycloak and becomes ready', async () => {
  const build = spawn('npm', ['run', 'build'], { env: process.env });
  const log = output(build);
  expect([await exited(build), log().includes('error')]).toEqual([0, false]);
  // The image carries no demo: a Keycloak (here the embedded demo's emulator, started by the test) is configured.
  const demo = await startEmbedded({ keycloakPort: 0, smtpPort: 0 });
  try {
    await becomesReadyAndStops(startImageCommand({ ...demo.env, ...SIDECAR_ENV() }), []);
  } finally {
    await demo.close();
  }
}, 150_000);

test('a missing setting stops the start with one line naming it', async () => {
  const child = start({ KEYCLOAK_URL: 'http://127.0.0.1:9', SIDECAR_CLIENT_SECRET: 'x' });
  const text = output(child);
  expect(await exited(child)).toBe(2);
  expect(text().trim()).toBe('configuration error: KEYCLOAK_REALM: is required');
}, 30_000);
