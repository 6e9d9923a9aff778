/**
 * `npm start` exactly as the README says (`npm start` in the checkout, ports from the environment), for the
 * tests of the embedded demo: the printed lines, the URLs they name, and stopping it by its PID.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface DemoPorts {
  KC_HTTP_PORT: string;
  PORT: string;
  METRICS_PORT: string;
  MAIL_SMTP_PORT: string;
  MAIL_INBOX_PORT: string;
}

export interface RunningDemo {
  child: ChildProcess;
  output(): string;
  sidecarUrl: string;
  keycloakUrl: string;
  inboxUrl: string;
  /** the admin-scripts command line `npm start` printed */
  adminCommand: string;
  exited: Promise<number | null>;
}

/**
 * Free ports for every listener of the demo, none of the defaults (8080/8081/9464/1025/8025), which other
 * runs on the machine may hold: a demo that finds one of its ports taken does not start.
 */
export const freePorts = async (): Promise<DemoPorts> => {
  const { createServer } = await import('node:net');
  const one = () =>
    new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
  const [a, b, c, d, e] = [await one(), await one(), await one(), await one(), await one()];
  return {
    KC_HTTP_PORT: String(a),
    PORT: String(b),
    METRICS_PORT: String(c),
    MAIL_SMTP_PORT: String(d),
    MAIL_INBOX_PORT: String(e),
  };
};

export const newDataDir = () => mkdtempSync(join(tmpdir(), 'demo-data-'));

const printed = (text: string, pattern: RegExp) => pattern.exec(text)?.[1];

/** Spawns `npm start` and waits for its printed URLs and a ready sidecar. */
export const startDemo = async (ports: DemoPorts, dataDir: string, timeoutMs = 90_000): Promise<RunningDemo> => {
  const child = spawn('npm', ['start'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...ports, SIDECAR_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout?.on('data', (c) => chunks.push(String(c)));
  child.stderr?.on('data', (c) => chunks.push(String(c)));
  const output = () => chunks.join('');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const until = Date.now() + timeoutMs;
  while (!/npm run realm-policy/.test(output()) && Date.now() < until && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 200));
  const text = output();
  const demo = {
    child,
    output,
    exited,
    sidecarUrl: printed(text, /OTP sidecar:\s+(http:\/\/\S+)/) ?? '',
    keycloakUrl: printed(text, /Keycloak \(emulator\):\s+(http:\/\/\S+)/) ?? '',
    inboxUrl: printed(text, /Mail inbox:\s+(http:\/\/\S+)/) ?? '',
    adminCommand: printed(text, /^\s+(KEYCLOAK_URL=.*npm run realm-policy -- plan realm-config\/demo)$/m) ?? '',
  };
  if (!demo.sidecarUrl) throw new Error(`npm start printed no sidecar URL:\n${text}`);
  let status = 0;
  while (status !== 200 && Date.now() < until) {
    status = await fetch(`${demo.sidecarUrl}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status !== 200) await new Promise((r) => setTimeout(r, 200));
  }
  if (status !== 200) throw new Error(`the demo never became ready:\n${output()}`);
  return demo;
};

/**
 * Sends the signal to npm's own PID (what `kill <pid>` does) and waits for the exit code. Not SIGKILL:
 * npm cannot pass that on, and the demo would outlive it.
 */
export const stopDemo = async (demo: RunningDemo, signal: NodeJS.Signals = 'SIGTERM') => {
  if (demo.child.exitCode === null) demo.child.kill(signal);
  return demo.exited;
};

/** True when nothing listens on the port any more (connect refused). */
export const portIsFree = (port: string) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

interface InboxEmail {
  to: { address: string }[];
  subject: string;
  text?: string;
}

/** The inbox's messages, oldest first, as maildev's REST API lists them: recipients, subject and text. */
export const inboxMessages = async (demo: RunningDemo) =>
  ((await (await fetch(`${demo.inboxUrl}api/email`)).json()) as InboxEmail[]).map((m) => ({
    to: m.to.map((a) => a.address),
    subject: m.subject,
    text: m.text ?? '',
  }));

/** What a quiet restart looks like: stops cleanly, every port freed, no email on the same data, stops again. */
export const QUIET_RESTART = { stopped: 0, busyPorts: [], mailAfterRestart: [], stoppedAgain: 0, busyAgain: [] };

/**
 * A test file's `npm start` runs: free ports and a data folder of its own, kept across restarts (the store
 * outlives a start). `stop()` in afterAll stops whatever still runs.
 */
export class DemoRuns {
  ports: DemoPorts | undefined;
  readonly dataDir = newDataDir();
  running: RunningDemo | undefined;

  async start(): Promise<RunningDemo> {
    this.ports ??= await freePorts();
    this.running = await startDemo(this.ports, this.dataDir);
    return this.running;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null | undefined> {
    const running = this.running;
    this.running = undefined;
    return running && stopDemo(running, signal);
  }

  /** the ports something still listens on */
  async busyPorts(): Promise<string[]> {
    const ports = Object.values(this.ports ?? {});
    const free = await Promise.all(ports.map(portIsFree));
    return ports.filter((_, i) => !free[i]);
  }

  /**
   * Stops (SIGTERM), starts again on the same data, reads the inbox after five seconds, stops with `signal`:
   * compare with QUIET_RESTART (the demo users keep their ids and devices, so nothing is sent again).
   */
  async restart(signal: NodeJS.Signals) {
    const stopped = await this.stop();
    const busyPorts = await this.busyPorts();
    const again = await this.start();
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const mailAfterRestart = await inboxMessages(again);
    const stoppedAgain = await this.stop(signal);
    return { stopped, busyPorts, mailAfterRestart, stoppedAgain, busyAgain: await this.busyPorts() };
  }
}

/** Runs the admin-scripts command `npm start` printed, with `plan` replaced by the given command. */
export const runAdminCommand = async (demo: RunningDemo, command: 'plan' | 'verify') => {
  const line = demo.adminCommand.replace(/-- plan /, `-- ${command} `);
  try {
    const { stdout } = await promisify(execFile)('sh', ['-c', line], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
};
