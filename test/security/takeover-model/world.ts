/**
 * The system the takeover model drives: the emulator, the mail catcher (the owner's mailbox), a realm
 * bootstrapped by the admin scripts, one helpdesk member, and a sidecar on an embedded store in a folder, so
 * it can be restarted on the same store and the same port (links already mailed keep working). The
 * sidecar's clock (recovery windows, notices) is the test's: `advance` moves it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../../sidecar/src/config/load.js';
import { createTransport, drainDue } from '../../../sidecar/src/mail/outbox.js';
import { type Sidecar, startSidecar } from '../../../sidecar/src/main.js';
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest } from '../../support/keycloak.js';
import {
  bootstrapRealm,
  DISTANT_DEADLINE,
  helpdeskToken,
  STAFF_OTP_SECRET,
  type TestRealm,
  testSidecarEnv,
} from '../../support/sidecar-realm.js';
import { type MailCatcher, startMailCatcher } from '../../support/smtp.js';
import { staffBearerToken } from '../../support/staff-sign-in.js';
import { passwordOf } from '../../support/users.js';

/** The realm's policy: the default recovery level; limits high enough for many runs from one address. */
export const POLICY = {
  enforcement: DISTANT_DEADLINE,
  recovery: { rateLimit: { perIpPer15Minutes: 100_000, perAccountPerHour: 1_000 } },
  helpdesk: { writesPerStaffPerHour: 1_000 },
};

const STAFF = 'helper';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

export interface World {
  kut: KeycloakUnderTest;
  kc: Awaited<ReturnType<typeof masterAdminClient>>;
  mail: MailCatcher;
  target: TestRealm;
  sidecar: Sidecar;
  /** a staff token with the second factor (renewed when the helpdesk asks for a fresh sign-in) */
  staffToken: string;
  renewStaffToken(): Promise<string>;
  /** moves the sidecar's clock forward */
  advance(ms: number): void;
  /** the sidecar's clock back on real time (each run starts there) */
  resetClock(): void;
  restart(): Promise<void>;
  /** delivers the sidecar's outbox now (its job does every 5 s) */
  deliverMail(): Promise<void>;
  close(): Promise<void>;
}

export const startWorld = async (): Promise<World> => {
  const [kut, mail] = await Promise.all([startKeycloakUnderTest(), startMailCatcher()]);
  const kc = await masterAdminClient(kut);
  const target = await bootstrapRealm(kc, mail, POLICY, 'takeover');
  const dataDir = mkdtempSync(join(tmpdir(), 'takeover-store-'));
  const port = await freePort();
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  const env = testSidecarEnv(kut, mail, target, { SIDECAR_DATA_DIR: dataDir, PORT: String(port) });
  const start = async () => {
    const started = await startSidecar(loadSettings(env), { now });
    await started.firstPass;
    return started;
  };
  const smtp = createTransport({
    host: mail.host,
    port: mail.port,
    secure: false,
    requireTLS: false,
    from: env.SMTP_FROM as string,
  });
  const world: World = {
    kut,
    kc,
    mail,
    target,
    sidecar: await start(),
    staffToken: await helpdeskToken(kc, kut, target.realm, STAFF),
    renewStaffToken: async () => {
      world.staffToken = await staffBearerToken(kut.baseUrl, target.realm, STAFF, passwordOf(STAFF), STAFF_OTP_SECRET);
      return world.staffToken;
    },
    advance: (ms) => {
      offsetMs += ms;
    },
    resetClock: () => {
      offsetMs = 0;
    },
    restart: async () => {
      await world.sidecar.close();
      world.sidecar = await start();
    },
    deliverMail: async () => {
      await drainDue(world.sidecar.db, smtp, env.SMTP_FROM as string);
    },
    close: async () => {
      await world.sidecar?.close();
      smtp.close();
      await Promise.all([mail.close(), kut.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return world;
};
