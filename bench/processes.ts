/**
 * The benchmark's other processes: the emulated Keycloak (bench/emulator-child.ts), the compiled sidecar
 * (what the container image runs), and the load generator (bench/load.ts), each apart so that the
 * sidecar's CPU time and memory are its own.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { sleep } from './measure.js';
import { SIDECAR_NODE_FLAGS } from './options.js';

export interface Emulator {
  url: string;
  pid: number;
  call<T>(type: string, extra?: Record<string, unknown>): Promise<T>;
  counts(): Promise<{ total: number; byRoute: Record<string, number> }>;
  stop(): Promise<void>;
}

export const startEmulatorProcess = async (): Promise<Emulator> => {
  // In production Keycloak has machines of its own; here it shares the sidecar's two cores. Its heap (1 GB at
  // 100k users) is collected on request before the load phases instead of by V8's memory reducer, which
  // starts full GCs whenever the emulator turns idle and would land them on the sidecar mid-measurement.
  const child: ChildProcess = fork('bench/emulator-child.ts', [], {
    execArgv: ['--import', 'tsx', '--expose-gc', '--no-memory-reducer'],
  });
  const pending = new Map<number, (value: unknown) => void>();
  let next = 0;
  const url = await new Promise<string>((resolve) =>
    child.on('message', (m: { type?: string; url?: string; id?: number; value?: unknown }) => {
      if (m.type === 'ready') resolve(m.url as string);
      else if (m.id !== undefined) pending.get(m.id)?.(m.value);
    }),
  );
  const call = <T>(type: string, extra: Record<string, unknown> = {}) =>
    new Promise<T>((resolve) => {
      const id = next++;
      pending.set(id, resolve as (value: unknown) => void);
      child.send({ id, type, ...extra });
    });
  return {
    url,
    pid: child.pid as number,
    call,
    counts: () => call('counts'),
    stop: async () => {
      await call('stop');
    },
  };
};

export interface SidecarProcess {
  url: string;
  /** the management listener (/metrics) */
  managementUrl: string;
  pid: number;
  stop(): Promise<unknown>;
}

/** The compiled sidecar (what the container image runs) in its own process. */
export const startSidecarProcess = async (env: Record<string, string>): Promise<SidecarProcess> => {
  // BENCH_SIDECAR_CPUS (e.g. "1", with the bench itself under `taskset -c 0`) gives the sidecar cores of
  // its own, to tell its latency apart from that of the processes it shares a machine with.
  const cpus = process.env.BENCH_SIDECAR_CPUS;
  const command = [process.execPath, ...SIDECAR_NODE_FLAGS, 'dist/sidecar/src/cli.js'];
  const child = spawn(cpus ? 'taskset' : (command[0] as string), cpus ? ['-c', cpus, ...command] : command.slice(1), {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => {
    output += String(c);
  });
  child.stderr.on('data', (c) => {
    output += String(c);
  });
  for (let i = 0; i < 600; i++) {
    const url = /OTP sidecar:\s+(http:\/\/\S+)/.exec(output)?.[1];
    const managementUrl = /management:\s+(http:\/\/\S+)/.exec(output)?.[1];
    if (url && managementUrl)
      return {
        url,
        managementUrl,
        pid: child.pid as number,
        stop: () =>
          new Promise((r) => {
            child.once('close', () => {
              // For profiling (e.g. BENCH_SIDECAR_NODE_FLAGS=--trace-gc): everything the sidecar printed.
              if (process.env.BENCH_SIDECAR_OUTPUT) writeFileSync(process.env.BENCH_SIDECAR_OUTPUT, output);
              r(undefined);
            });
            child.kill('SIGTERM');
          }),
      };
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  throw new Error(`the sidecar did not start: ${output}`);
};

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  statusCodes: Record<string, number>;
}

/** Runs bench/load.ts in its own process against the sidecar. */
export const load = (plan: Record<string, unknown>) =>
  new Promise<LoadResult>((resolve, reject) => {
    const child = fork('bench/load.ts', [], { execArgv: ['--import', 'tsx'] });
    child.once('message', (result) => resolve(result as LoadResult));
    child.once('error', reject);
    child.send({ durationS: 10, ...plan });
  });
