/**
 * The takeover model's commands (fast-check `fc.commands`): each acts as one actor would through the real
 * parts, updates the model from what the actor saw, then checks the system (model.ts, `checkSystem`).
 */
import fc from 'fast-check';
import type { LoginRobot } from '../../support/login-robot.js';
import {
  addDeviceInConsole,
  cancelLatestChange,
  completeRecovery,
  helpdeskWrite,
  liveDevices,
  requestRecovery,
  signIn,
  useLatestLink,
} from './actors.js';
import {
  type Actor,
  checkSystem,
  type Device,
  holdsMailbox,
  knowsPassword,
  settleLinkDevices,
  type TakeoverModel,
  type TakeoverReal,
} from './model.js';

type Command = fc.AsyncCommand<TakeoverModel, TakeoverReal>;

/** the sidecar's completion window (15 min) and a minute more */
const WINDOW_PASSED_MS = 16 * 60_000;

const nameFor = (m: TakeoverModel, actor: Actor, how: string) => {
  m.made += 1;
  return `${actor === 'owner' ? 'Owner' : 'Attacker'} ${how} ${m.made}`;
};

const idOf = async (r: TakeoverReal, label: string) =>
  (await liveDevices(r.world, r.account)).find((d) => d.label === label)?.id;

/** Runs the action, notes it for the failure message, then checks the system. */
const step = async (m: TakeoverModel, r: TakeoverReal, what: string, act: () => Promise<string | undefined>) => {
  r.stepMark = r.world.mail.messages.length;
  const outcome = await act();
  r.log.push(outcome ? `${what} (${outcome})` : what);
  await checkSystem(m, r);
};

export class RequestRecovery implements Command {
  constructor(readonly actor: Actor) {}
  check = () => true;
  run = (m: TakeoverModel, r: TakeoverReal) =>
    step(m, r, this.toString(), async () => {
      const { status, mailed } = await requestRecovery(r.world, r.account);
      if (status !== 202) throw new Error(`the recovery request answered ${status}`);
      if (!mailed) return 'no link came';
      m.linksMailed += 1;
      return undefined;
    });
  toString = () => `${this.actor} asks for a recovery`;
}

export class UseLink implements Command {
  constructor(readonly actor: Actor) {}
  check = (m: Readonly<TakeoverModel>) => m.linksMailed > 0 && holdsMailbox(m, this.actor);
  run = (m: TakeoverModel, r: TakeoverReal) =>
    step(m, r, this.toString(), async () => {
      const label = nameFor(m, this.actor, 'link');
      const phone = await useLatestLink(r.world, r.account, label);
      if (!phone || !(await idOf(r, label))) return 'no device';
      const device = { label, phone };
      m.devices[this.actor].push(device);
      if (this.actor === 'owner') m.ownerLinkDevices.push(device);
      return label;
    });
  toString = () => `${this.actor} uses the latest link`;
}

export class AddInConsole implements Command {
  constructor(readonly actor: Actor) {}
  check = (m: Readonly<TakeoverModel>) => m.sessions[this.actor];
  run = (m: TakeoverModel, r: TakeoverReal) =>
    step(m, r, this.toString(), async () => {
      const label = nameFor(m, this.actor, 'console');
      const done = await addDeviceInConsole(r.world, r.sessions[this.actor] as LoginRobot, label);
      if (done.signedOut) {
        m.sessions[this.actor] = false;
        return 'session ended';
      }
      if (!done.phone || !(await idOf(r, label))) return 'no device';
      m.devices[this.actor].push({ label, phone: done.phone });
      return label;
    });
  toString = () => `${this.actor} adds a device in the account console`;
}

/** A live device the actor holds, if any. */
const heldLive = async (m: Readonly<TakeoverModel>, r: TakeoverReal, actor: Actor, among: Device[]) => {
  const live = await liveDevices(r.world, r.account);
  for (const device of [...among].reverse()) {
    const id = live.find((d) => d.label === device.label)?.id;
    if (id && m.devices[actor].includes(device)) return { device, id };
  }
  return undefined;
};

export class SignIn implements Command {
  constructor(readonly actor: Actor) {}
  check = (m: Readonly<TakeoverModel>) => knowsPassword(m, this.actor) && m.devices[this.actor].length > 0;
  run = (m: TakeoverModel, r: TakeoverReal) =>
    step(m, r, this.toString(), async () => {
      const held = await heldLive(m, r, this.actor, m.devices[this.actor]);
      if (!held) return 'no device left';
      const { robot, signedIn } = await signIn(r.world, r.account, held.device.phone, held.id);
      if (signedIn) {
        r.sessions[this.actor] = robot;
        m.sessions[this.actor] = true;
      }
      return `${held.device.label}: ${signedIn ? 'signed in' : 'refused'}`;
    });
  toString = () => `${this.actor} signs in with password and code`;
}

/** The owner finishes his own recovery: /recovery/complete with the password and the new phone. */
export class CompleteRecovery implements Command {
  check = (m: Readonly<TakeoverModel>) => m.ownerLinkDevices.length > 0;
  run = (m: TakeoverModel, r: TakeoverReal) =>
    step(m, r, this.toString(), async () => {
      const held = await heldLive(m, r, 'owner', m.ownerLinkDevices);
      m.ownerLinkDevices = [];
      if (!held) return 'the new phone is gone';
      await settleLinkDevices(m, r);
      const { robot, heading } = await completeRecovery(r.world, r.account, held.device.phone, held.id);
      if (heading === 'Recovery complete') {
        // The owner proved mailbox and password together; his sign-in is the session the recovery keeps.
        m.ownerProvedTwoFactors = true;
        r.sessions.owner = robot;
        m.sessions.owner = true;
      }
      return heading || 'no answer page';
    });
  toString = () => 'owner completes his recovery';
}

/** The helpdesk's newest write on the account is in its audit trail with this result. */
const expectAudited = async (r: TakeoverReal, action: string, result: 'ok' | 'refused') => {
  const [last] = await r.world.sidecar.db.query<{ action: string; result: string }>(
    `select action, result from audit_log where target_user_id = $1 and action <> 'verification' order by id desc limit 1`,
    [r.account.id],
  );
  if (last?.action !== action || last.result !== result)
    throw new Error(`the audit shows ${JSON.stringify(last)} for a ${action} that ended ${result}`);
};

export class Helpdesk implements Command {
  constructor(
    readonly caller: Actor,
    readonly kind: 'remove-device' | 'reset-otp',
    readonly pick: number,
  ) {}
  check = () => true;
  run = (m: TakeoverModel, r: TakeoverReal) =>
    step(m, r, this.toString(), async () => {
      const live = await liveDevices(r.world, r.account);
      const target = live[this.pick % Math.max(live.length, 1)];
      if (this.kind === 'remove-device' && !target) return 'no device to remove';
      const write =
        this.kind === 'reset-otp'
          ? ({ kind: 'reset-otp' } as const)
          : ({ kind: 'remove-device', credentialId: target?.id as string } as const);
      const readsMail = holdsMailbox(m, this.caller);
      const status = await helpdeskWrite(r.world, r.account, write, readsMail);
      // The caller who cannot read the mailbox cannot pass the check: nothing changes.
      if (status !== (readsMail ? 200 : 403)) throw new Error(`the helpdesk answered ${status}`);
      await expectAudited(r, this.kind, readsMail ? 'ok' : 'refused');
      if (status === 200 && this.caller === 'owner')
        m.removedForOwner.push(...(this.kind === 'reset-otp' ? live : [target]).map((d) => d?.label ?? ''));
      if (status === 200 && (this.kind === 'reset-otp' || live.length === 1)) {
        m.sessions = { owner: false, attacker: false };
        m.linksMailed += 1;
      }
      return `${status}${target && this.kind === 'remove-device' ? ` ${target.label}` : ''}`;
    });
  toString = () =>
    `${this.caller} gets the helpdesk to ${this.kind === 'reset-otp' ? 'reset OTP' : `remove device #${this.pick}`}`;
}

export class Cancel implements Command {
  /** once something was announced (a device made, or a helpdesk write) */
  check = (m: Readonly<TakeoverModel>) => m.made > 0 || m.removedForOwner.length > 0 || m.linksMailed > 0;
  run = (m: TakeoverModel, r: TakeoverReal) =>
    step(m, r, this.toString(), async () => {
      await r.world.deliverMail();
      const status = await cancelLatestChange(r.world, r.account, r.usedCancelLinks);
      if (status === undefined) return 'no link';
      if (status === 200) m.sessions = { owner: false, attacker: false };
      return String(status);
    });
  toString = () => 'owner clicks "This wasn\'t me"';
}

export class TimePasses implements Command {
  check = (m: Readonly<TakeoverModel>) => !m.timePassed;
  run = (m: TakeoverModel, r: TakeoverReal) =>
    step(m, r, this.toString(), async () => {
      m.timePassed = true;
      r.world.advance(WINDOW_PASSED_MS);
      await r.world.sidecar.recovery.completePending();
      return undefined;
    });
  toString = () => 'the completion window passes';
}

export class Restart implements Command {
  check = (m: Readonly<TakeoverModel>) => m.restarts < 2;
  run = (m: TakeoverModel, r: TakeoverReal) =>
    step(m, r, this.toString(), async () => {
      m.restarts += 1;
      await r.world.restart();
      return undefined;
    });
  toString = () => 'the sidecar restarts';
}

const actor = fc.constantFrom<Actor>('owner', 'attacker');

const request = actor.map((a) => new RequestRecovery(a));
const useLink = actor.map((a) => new UseLink(a));
const complete = fc.constant(new CompleteRecovery());

/** The recovery steps appear more than once: a full recovery takes three commands in a row. */
export const takeoverCommands = [
  request,
  request,
  useLink,
  useLink,
  complete,
  complete,
  actor.map((a) => new AddInConsole(a)),
  actor.map((a) => new SignIn(a)),
  fc
    .tuple(actor, fc.constantFrom('remove-device' as const, 'reset-otp' as const), fc.nat(3))
    .map(([caller, kind, pick]) => new Helpdesk(caller, kind, pick)),
  fc.constant(new Cancel()),
  fc.constant(new TimePasses()),
  fc.constant(new Restart()),
];
