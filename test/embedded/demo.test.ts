/**
 * The embedded demo as a newcomer starts it: `npm start` on non-default ports prints URLs that answer,
 * maildev's web inbox among them with the demo's first email in it, the admin scripts it prints agree with
 * the running realm (plan: no change, verify: exit 0), a restart sends no email, and SIGTERM or SIGINT to
 * npm's own PID stops everything and frees every port. Emulator-only by nature: `npm start` starts the emulator.
 */
import { afterAll, expect, test } from '@jest/globals';
import { DemoRuns, inboxMessages, QUIET_RESTART, runAdminCommand } from '../support/demo-process.js';
import { describeEmulatorOnly } from '../support/keycloak.js';
import { eventually } from '../support/wait.js';

const demos = new DemoRuns();
afterAll(() => demos.stop());

describeEmulatorOnly('npm start', () => {
  test('starts on other ports, agrees with the admin scripts, restarts without email and stops on SIGTERM', async () => {
    const demo = await demos.start();
    const ports = demos.ports;
    expect(demo.sidecarUrl).toBe(`http://127.0.0.1:${ports?.PORT}`);
    expect(demo.keycloakUrl).toBe(`http://127.0.0.1:${ports?.KC_HTTP_PORT}`);
    expect(demo.inboxUrl).toBe(`http://127.0.0.1:${ports?.MAIL_INBOX_PORT}/`);
    expect(demo.output()).toMatch(/Sidecar client secret: \S+ {2}\(demo only/);
    for (const url of [`${demo.sidecarUrl}/helpdesk`, `${demo.sidecarUrl}/recovery`])
      expect([url, (await fetch(url)).status]).toEqual([url, 200]);

    // The inbox URL serves maildev's web inbox to a browser (which asks for HTML), its script from the same place.
    const inbox = await fetch(demo.inboxUrl, { headers: { accept: 'text/html' } });
    expect(inbox.status).toBe(200);
    const inboxPage = await inbox.text();
    expect(inboxPage).toContain('<title>MailDev</title>');
    const script = /<script type="module" crossorigin src="\.\/([^"]+)"/.exec(inboxPage)?.[1];
    expect((await fetch(`${demo.inboxUrl}${script}`)).status).toBe(200);

    // erin is within her grace period: her reminder arrives there (maildev's REST API lists it).
    const first = await eventually(
      () => inboxMessages(demo),
      (list) => list.some((m) => m.to.includes('erin@demo.example.org')),
    );
    expect(first.map(({ to, subject }) => ({ to, subject }))).toEqual([
      { to: ['erin@demo.example.org'], subject: expect.stringMatching(/^Set up two-factor authentication before /) },
    ]);

    const plan = await runAdminCommand(demo, 'plan');
    expect(plan.stdout).toContain('No changes: realm demo');
    expect((await runAdminCommand(demo, 'verify')).code).toBe(0);

    // The same data folder, a fresh emulator: same ids, so no "authenticator removed" or repeated reminder.
    expect(await demos.restart('SIGINT')).toEqual(QUIET_RESTART);
  }, 240_000);
});
