/**
 * Issue 19's model-based property: random sequences of recovery requests, link uses, devices added in the
 * account console, sign-ins, helpdesk actions (the caller verified by the code mailed to the account),
 * "This wasn't me", the completion window passing and sidecar restarts, by the owner and by an attacker
 * who holds exactly one of the mailbox, the password or a stolen session. After every step the real system
 * (Keycloak's devices, the mailbox, the helpdesk audit) must show: the owner's earlier devices removed only
 * after two factors or by a verified, audited helpdesk action; every change announced to the owner; never
 * the attacker with a device while the owner has none (takeover-model/model.ts).
 * Each run takes a fresh user in the same realm, so a failure shrinks to a short path. Fixed seed;
 * FUZZ_RUNS raises the number of runs (FUZZ_SEED, FUZZ_PATH replay another). Emulator only: it restarts the sidecar and moves its clock.
 */
import fc from 'fast-check';
import { describeEmulatorOnly, uniqueName } from '../support/keycloak.js';
import { accountConsoleLoginUrl, LoginRobot } from '../support/login-robot.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A } from '../support/users.js';
import { codeOf, liveDevices, phoneOf } from './takeover-model/actors.js';
import {
  CompleteRecovery,
  Helpdesk,
  RequestRecovery,
  TimePasses,
  takeoverCommands,
  UseLink,
} from './takeover-model/commands.js';
import type { AttackerHolds, TakeoverModel, TakeoverReal } from './takeover-model/model.js';
import { startWorld, type World } from './takeover-model/world.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? 4242);

let world: World;

beforeAll(async () => {
  world = await startWorld();
}, 60_000);
afterAll(() => world?.close());

/** A fresh account with one phone; with a stolen session, the attacker's robot signed in as the owner. */
const freshRun = async (attacker: AttackerHolds): Promise<{ model: TakeoverModel; real: TakeoverReal }> => {
  world.resetClock();
  const username = uniqueName('owner');
  const account = { username, email: `${username}@example.org`, id: '' };
  account.id = await createTestUser(world.kc, world.target.realm, username, {
    credentials: [otpCredential('Owner phone', SECRET_A, Date.now() - 86_400_000)],
  });
  await world.sidecar.mirror.syncUser(account.id);
  const phone = phoneOf(SECRET_A);
  const preExisting = await liveDevices(world, account);
  const real: TakeoverReal = {
    world,
    account,
    preExisting,
    seen: preExisting,
    sessions: {},
    usedCancelLinks: new Set(),
    mailMark: world.mail.messages.length,
    stepMark: world.mail.messages.length,
    log: [`attacker holds the ${attacker}`],
  };
  if (attacker === 'session') {
    // A phishing proxy relayed the owner's password and one code: the attacker's browser holds her session.
    const robot = new LoginRobot();
    await robot.open(accountConsoleLoginUrl(world.kut.baseUrl, world.target.realm));
    await robot.submit({ username, password: passwordOf(username) });
    await robot.submit({ otp: await codeOf(phone), selectedCredentialId: preExisting[0]?.id ?? '' });
    real.sessions.attacker = robot;
  }
  const model: TakeoverModel = {
    attacker,
    devices: { owner: [{ label: 'Owner phone', phone }], attacker: [] },
    ownerLinkDevices: [],
    ownerProvedTwoFactors: false,
    removedForOwner: [],
    sessions: { owner: false, attacker: attacker === 'session' },
    linksMailed: 0,
    timePassed: false,
    restarts: 0,
    made: 0,
  };
  return { model, real };
};

describeEmulatorOnly('no single thing takes over the second factor (model-based)', () => {
  test('random recovery, console, sign-in, helpdesk, cancel, time and restart steps keep the rule', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<AttackerHolds>('mailbox', 'password', 'session'),
        fc.commands(takeoverCommands, { maxCommands: 10, size: 'large' }),
        async (attacker, commands) => {
          const setup = await freshRun(attacker);
          await fc.asyncModelRun(() => setup, commands);
          if (process.env.TAKEOVER_LOG) console.log(setup.real.log.join('\n  → '));
        },
      ),
      // FUZZ_PATH (with FUZZ_SEED) replays the run and shrink steps a failure printed.
      { seed: SEED, numRuns: RUNS, verbose: 1, ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}) },
    );
  }, 600_000);

  // A path the property found (a mailbox reader's device, set up through a second link, was the one the
  // owner's own sign-in at /recovery/complete proved: both of the owner's devices went, the attacker's stayed).
  // The sign-in now proves neither of two waiting devices.
  test('the owner’s recovery, raced by a mailbox reader through a second link, proves neither device', async () => {
    const run = await freshRun('mailbox');
    await fc.asyncModelRun(
      () => run,
      [
        new RequestRecovery('owner'),
        new UseLink('owner'),
        new RequestRecovery('attacker'),
        new UseLink('attacker'),
        new CompleteRecovery(),
      ],
    );
    expect(run.real.log.at(-1)).toBe('owner completes his recovery (Not confirmed)');
  }, 60_000);

  // What the property shrank its 66th run of seed 4242 to (FUZZ_RUNS=66, path "65:2:2:2"): with the mailbox alone
  // the attacker passes the helpdesk's verification, has the only device removed (a reset does the same) and
  // enrols his own through the setup link. The link's device is now bound to a `helpdesk` recovery request: it
  // waits for a sign-in with the password at /recovery/complete, which he cannot give, and goes when the window
  // passes; the owner is told, and the account is link-only again for the helpdesk's next link.
  test('the mailbox and one fooled helpdesk member do not replace the second factor', async () => {
    const run = await freshRun('mailbox');
    await fc.asyncModelRun(
      () => run,
      [new Helpdesk('attacker', 'remove-device', 0), new UseLink('attacker'), new TimePasses()],
    );
    const attackerDevice = run.model.devices.attacker[0]?.label as string;
    expect(attackerDevice).toMatch(/^Attacker link/);
    expect((await liveDevices(world, run.real.account)).map((d) => d.label)).toEqual([]);
    const user = await world.kc.users.findOne({ realm: world.target.realm, id: run.real.account.id });
    expect(user?.attributes?.['otp-enrolment']).toEqual(['link-only']);
  }, 60_000);
});
