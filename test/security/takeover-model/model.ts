/**
 * The takeover model: who holds what (the owner: password, mailbox, the old phone; the attacker: exactly one
 * of the mailbox, the password, a stolen session), which devices each set up, and what was proven. After
 * every command `checkSystem` compares it with the real system:
 *   1. each device the owner had before is still in Keycloak unless the owner proved two factors (mailbox and
 *      password, at /recovery/complete) or a verified, audited helpdesk action removed it;
 *   2. each device added or removed was announced to the owner's address (a bounded wait, the outbox drained);
 *   3. the attacker never holds a device in use (not a recovery's unproven one) while the owner holds none,
 *      unless the owner himself had his last devices removed (his own verified helpdesk call: his choice).
 */
import type { LoginRobot } from '../../support/login-robot.js';
import type { Phone } from '../../support/recovery.js';
import type { ReceivedMail } from '../../support/smtp.js';
import { eventually } from '../../support/wait.js';
import { type Account, liveDevices } from './actors.js';
import type { World } from './world.js';

export type AttackerHolds = 'mailbox' | 'password' | 'session';
export type Actor = 'owner' | 'attacker';

export interface Device {
  label: string;
  phone: Phone;
}

/** What the commands' preconditions read; kept in step with the system by the commands. */
export interface TakeoverModel {
  attacker: AttackerHolds;
  devices: Record<Actor, Device[]>;
  /** the owner's devices made through a link and not yet used at /recovery/complete */
  ownerLinkDevices: Device[];
  /** the owner proved mailbox and password together (a completed recovery) */
  ownerProvedTwoFactors: boolean;
  /** names of devices the helpdesk removed at the owner's own (verified) call */
  removedForOwner: string[];
  sessions: Record<Actor, boolean>;
  linksMailed: number;
  timePassed: boolean;
  restarts: number;
  /** numbers the device names of the run */
  made: number;
}

export const holdsMailbox = (m: Readonly<TakeoverModel>, actor: Actor) => actor === 'owner' || m.attacker === 'mailbox';
export const knowsPassword = (m: Readonly<TakeoverModel>, actor: Actor) =>
  actor === 'owner' || m.attacker === 'password';

/** The real side: the system, the run's account, its devices before the run, and what the checks last saw. */
export interface TakeoverReal {
  world: World;
  account: Account;
  preExisting: { id: string; label: string }[];
  seen: { id: string; label: string }[];
  /** the Keycloak sessions the actors' robots hold */
  sessions: Partial<Record<Actor, LoginRobot>>;
  usedCancelLinks: Set<string>;
  /** the mailbox position when the run began, and when the current command began */
  mailMark: number;
  stepMark: number;
  /** what happened, for the failure message */
  log: string[];
}

const fail = (real: TakeoverReal, what: string): never => {
  throw new Error(`${what}\nsteps: ${real.log.join(' → ')}`);
};

/** The unproven devices of recoveries in progress (bound to a request, waiting for the sign-in). */
const pendingDeviceIds = async (real: TakeoverReal) =>
  (
    await real.world.sidecar.db.query<{ id: string }>(
      `select pending_credential_id as id from recovery_requests
        where user_id = $1 and completed_at is null and proven_at is null and pending_credential_id is not null`,
      [real.account.id],
    )
  ).map((r) => r.id);

/**
 * Waits (within bounds) until the sidecar has bound each device made through a link to its request, as it is
 * a moment after the setup page: what a person coming back from that page finds. Recovery and helpdesk setup
 * links both open a request; a device that binds to nothing ends the wait at its bound.
 */
export const settleLinkDevices = async (m: Readonly<TakeoverModel>, real: TakeoverReal) => {
  const made = [...m.devices.owner, ...m.devices.attacker].filter((d) => d.label.includes(' link '));
  const unbound = async () => {
    const live = await liveDevices(real.world, real.account);
    const bound = (
      await real.world.sidecar.db.query<{ id: string }>(
        'select pending_credential_id as id from recovery_requests where user_id = $1 and pending_credential_id is not null',
        [real.account.id],
      )
    ).map((r) => r.id);
    return live.filter((d) => made.some((x) => x.label === d.label) && !bound.includes(d.id)).length;
  };
  await eventually(unbound, (n) => n === 0, 3_000);
};

/** Device ids removed by helpdesk writes that were verified (emailed code read back) and audited as done. */
const helpdeskRemovedIds = async (real: TakeoverReal) =>
  (
    await real.world.sidecar.db.query<{ details: { removedCredentialIds?: string[]; verifiedBy?: string } }>(
      `select details from audit_log
        where target_user_id = $1 and result = 'ok' and action in ('remove-device', 'reset-otp')`,
      [real.account.id],
    )
  )
    .filter((r) => r.details?.verifiedBy === 'email-code')
    .flatMap((r) => r.details.removedCredentialIds ?? []);

const ADDED = 'A new authenticator was added';

/** Notices that name no device: a helpdesk reset ("all authenticators"), the owner's own freeze. */
const namesNoDevice = (m: ReceivedMail) =>
  m.text.includes('removed all authenticators') || m.subject.includes('was frozen at your request');

/**
 * A message to the owner that tells of this change: one naming the device (each name is used once in a run),
 * or, for a removal, a notice naming none sent since the command began.
 */
const announces = (real: TakeoverReal, change: 'added' | 'removed', label: string) => (m: ReceivedMail, at: number) =>
  m.to.includes(real.account.email) &&
  (change === 'added'
    ? m.subject.startsWith(ADDED) && m.text.includes(`"${label}"`)
    : !m.subject.startsWith(ADDED) && (m.text.includes(`"${label}"`) || (at >= real.stepMark && namesNoDevice(m))));

const awaitAnnouncement = async (real: TakeoverReal, change: 'added' | 'removed', label: string) => {
  const { world } = real;
  const found = await eventually(
    async () => {
      await world.deliverMail();
      const told = announces(real, change, label);
      return world.mail.messages.some((m, at) => at >= real.mailMark && told(m, at));
    },
    (ok) => ok,
    15_000,
  );
  if (!found) fail(real, `the owner was not told that "${label}" was ${change}`);
};

/** Invariant 1: the owner's earlier devices go only after two factors, or by a verified helpdesk action. */
const checkPreExisting = async (m: Readonly<TakeoverModel>, real: TakeoverReal, live: { id: string }[]) => {
  const gone = real.preExisting.filter((d) => !live.some((l) => l.id === d.id));
  if (gone.length === 0 || m.ownerProvedTwoFactors) return;
  const byHelpdesk = await helpdeskRemovedIds(real);
  for (const device of gone)
    if (!byHelpdesk.includes(device.id))
      fail(real, `"${device.label}" was removed without two factors proven or a verified helpdesk action`);
};

/** Invariant 3, read until it holds (a device just set up through a link is bound to its request a poll later). */
const checkNoTakeover = async (m: Readonly<TakeoverModel>, real: TakeoverReal) => {
  const takeover = async () => {
    const live = await liveDevices(real.world, real.account);
    const pending = await pendingDeviceIds(real);
    const held = (actor: Actor) =>
      live.filter((d) => m.devices[actor].some((h) => h.label === d.label) && !pending.includes(d.id));
    const attacker = held('attacker');
    const owner = live.filter((d) => m.devices.owner.some((h) => h.label === d.label));
    const lost = m.devices.owner.filter((h) => !live.some((d) => d.label === h.label));
    const ownChoice = lost.every((h) => m.removedForOwner.includes(h.label));
    return attacker.length > 0 && owner.length === 0 && !ownChoice ? attacker.map((d) => d.label) : undefined;
  };
  const seized = await eventually(takeover, (labels) => labels === undefined, 5_000);
  if (seized) fail(real, `the attacker holds ${seized.join(', ')} while the owner holds no device`);
};

export const checkSystem = async (m: Readonly<TakeoverModel>, real: TakeoverReal) => {
  const live = await liveDevices(real.world, real.account);
  await checkPreExisting(m, real, live);
  const added = live.filter((d) => !real.seen.some((s) => s.id === d.id));
  const removed = real.seen.filter((s) => !live.some((d) => d.id === s.id));
  for (const d of added) await awaitAnnouncement(real, 'added', d.label);
  for (const d of removed) await awaitAnnouncement(real, 'removed', d.label);
  await checkNoTakeover(m, real);
  real.seen = live;
};
