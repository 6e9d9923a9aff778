/**
 * The sidecar as its own process (`node --import tsx sidecar/src/cli.ts`), for tests that kill and
 * restart it: started against a Keycloak under test and a PostgreSQL, its whole output captured (the
 * secrets test reads it), stopped with a real signal.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { KeycloakUnderTest } from './keycloak.js';
import { type TestRealm, testSidecarEnv } from './sidecar-realm.js';
import type { MailCatcher } from './smtp.js';

export interface SidecarProcess {
  url: string;
  /** the management listener (/metrics, /readyz with each check) */
  managementUrl: string;
  child: ChildProcess;
  output(): string;
  /** resolves with the exit code (null when killed by a signal) */
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Everything every child printed, for the secrets test. */
export const allOutput: string[] = [];

export const sidecarEnv = (
  kut: KeycloakUnderTest,
  mail: MailCatcher,
  target: TestRealm,
  databaseUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  ...testSidecarEnv(kut, mail, target, { DATABASE_URL: databaseUrl, LOG_LEVEL: 'debug', ...extra }),
});

/** Starts the sidecar and resolves once it prints its URL (or rejects with its output when it stops first). */
export const startSidecarProcess = async (env: Record<string, string>, timeoutMs = 60_000): Promise<SidecarProcess> => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sidecar/src/cli.ts'], { env });
  const chunks: string[] = [];
  const record = (chunk: unknown) => {
    chunks.push(String(chunk));
    allOutput.push(String(chunk));
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const output = () => chunks.join('');
  const [url, managementUrl] = await new Promise<[string, string]>((resolve, reject) => {
    const timer = setInterval(() => {
      const found = /OTP sidecar:\s+(http:\/\/\S+)/.exec(output())?.[1];
      const management = /management:\s+(http:\/\/\S+)/.exec(output())?.[1];
      if (found && management) {
        clearInterval(timer);
        resolve([found, management]);
      }
    }, 100);
    exited.then(() => {
      clearInterval(timer);
      reject(new Error(`the sidecar stopped before it started:\n${output()}`));
    });
    setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`the sidecar did not start in time:\n${output()}`));
    }, timeoutMs).unref();
  });
  return {
    url,
    managementUrl,
    child,
    output,
    exited,
    kill: (signal) => {
      child.kill(signal);
      return exited;
    },
  };
};
