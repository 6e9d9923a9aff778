/**
 * The embedded demo as a newcomer starts it: `npm start` on non-default ports prints URLs that answer,
 * the admin scripts it prints agree with the running realm (plan: no change, verify: exit 0), a restart
 * sends no email, and SIGTERM or SIGINT to npm's own PID stops everything and frees every port.
 * Emulator-only by nature: `npm start` starts the emulator.
 */
import { afterAll, expect, test } from '@jest/globals';
import {
  type DemoPorts,
  freePorts,
  newDataDir,
  portIsFree,
  type RunningDemo,
  runAdminCommand,
  startDemo,
  stopDemo,
} from '../support/demo-process.js';
import { describeEmulatorOnly } from '../support/keycloak.js';
import { eventually } from '../support/wait.js';

let running: RunningDemo | undefined;
afterAll(async () => {
  if (running) await stopDemo(running);
});

const messages = async (demo: RunningDemo) =>
  ((await (await fetch(`${demo.inboxUrl}api/messages`)).json()) as { messages: { to: string[]; subject: string }[] })
    .messages;

const everyPortFree = async (ports: DemoPorts) =>
  Promise.all(Object.values(ports).map(async (port) => [port, await portIsFree(port)] as const));

describeEmulatorOnly('npm start', () => {
  test('starts on other ports, agrees with the admin scripts, restarts without email and stops on SIGTERM', async () => {
    const ports = await freePorts();
    const dataDir = newDataDir();
    running = await startDemo(ports, dataDir);
    const demo = running;
    expect(demo.sidecarUrl).toBe(`http://127.0.0.1:${ports.PORT}`);
    expect(demo.keycloakUrl).toBe(`http://127.0.0.1:${ports.KC_HTTP_PORT}`);
    expect(demo.inboxUrl).toBe(`http://127.0.0.1:${ports.MAIL_INBOX_PORT}/`);
    expect(demo.output()).toMatch(/Sidecar client secret: \S+ {2}\(demo only/);
    for (const url of [`${demo.sidecarUrl}/helpdesk`, `${demo.sidecarUrl}/recovery`, demo.inboxUrl])
      expect([url, (await fetch(url)).status]).toEqual([url, 200]);

    // erin is within her grace period: her reminder arrives, and names the realm's display name.
    const first = await eventually(
      () => messages(demo),
      (list) => list.some((m) => m.to.includes('erin@demo.example.org')),
    );
    expect(first.map((m) => m.to[0])).toEqual(['erin@demo.example.org']);

    const plan = await runAdminCommand(demo, 'plan');
    expect(plan.stdout).toContain('No changes: realm demo');
    expect((await runAdminCommand(demo, 'verify')).code).toBe(0);

    expect(await stopDemo(demo)).toBe(0);
    expect(await everyPortFree(ports)).toEqual(Object.values(ports).map((port) => [port, true]));

    // The same data folder, a fresh emulator: same ids, so no "authenticator removed" or repeated reminder.
    running = await startDemo(ports, dataDir);
    const again = running;
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await messages(again)).toEqual([]);
    expect(await stopDemo(again, 'SIGINT')).toBe(0);
    expect(await everyPortFree(ports)).toEqual(Object.values(ports).map((port) => [port, true]));
    running = undefined;
  }, 240_000);
});
