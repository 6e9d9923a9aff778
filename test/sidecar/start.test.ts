/**
 * `npm start` as a person runs it: on embedded defaults it brings up the emulator, the mail catcher and
 * the sidecar, prints the URLs and serves /readyz; a missing setting stops it with one clear line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageCommand } from '../../devkit/src/index.js';

/** `npm start` (TypeScript through tsx), or the compiled build with the Node flags the container image runs it with. */
const start = (env: Record<string, string>, entry: 'source' | 'build' = 'source') => {
  const image = imageCommand();
  return spawn(
    process.execPath,
    entry === 'source'
      ? ['--import', 'tsx', 'embedded/src/start.ts']
      : [...image.nodeFlags, 'dist/embedded/src/start.js'],
    {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    },
  );
};

const output = (child: ChildProcess) => {
  const chunks: string[] = [];
  child.stdout?.on('data', (c) => chunks.push(String(c)));
  child.stderr?.on('data', (c) => chunks.push(String(c)));
  return () => chunks.join('');
};

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.on('close', resolve));

const startsAndBecomesReady = async (entry: 'source' | 'build') => {
  const child = start(
    {
      KC_HTTP_PORT: '0',
      MAIL_SMTP_PORT: '0',
      MAIL_INBOX_PORT: '0',
      PORT: '0',
      LISTEN_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SIDECAR_DATA_DIR: mkdtempSync(join(tmpdir(), 'sidecar-data-')),
    },
    entry,
  );
  const text = output(child);
  try {
    let url: string | undefined;
    const until = Date.now() + 60_000;
    while (!url && Date.now() < until) {
      url = /OTP sidecar:\s+(http:\/\/\S+)/.exec(text())?.[1];
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(url).toBeDefined();
    expect(text()).toMatch(/Mail inbox:\s+http:\/\/127\.0\.0\.1:\d+/);
    let status = 0;
    while (status !== 200 && Date.now() < until) {
      status = (await fetch(`${url}/readyz`)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({
      status: 'ready',
      checks: { store: 'ok', keycloak: 'ok' },
    });
    // The helpdesk page's script is served (the build copies it next to the compiled code).
    const script = await fetch(`${url}/helpdesk/app.js`);
    expect([script.status, script.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
  } finally {
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  }
};

test('on embedded defaults it starts everything and becomes ready', () => startsAndBecomesReady('source'), 90_000);

test('the production build (what the container image runs) starts the same way', async () => {
  const build = spawn('npm', ['run', 'build'], { env: process.env });
  const log = output(build);
  expect([await exited(build), log().includes('error')]).toEqual([0, false]);
  await startsAndBecomesReady('build');
}, 150_000);

test('a missing setting stops the start with one line naming it', async () => {
  const child = start({ KEYCLOAK_URL: 'http://127.0.0.1:9', SIDECAR_CLIENT_SECRET: 'x' });
  const text = output(child);
  expect(await exited(child)).toBe(2);
  expect(text().trim()).toBe('configuration error: KEYCLOAK_REALM: is required');
}, 30_000);
