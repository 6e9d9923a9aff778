/** Measuring a process from outside: CPU time and resident memory from /proc, wall time, percentiles. */
import { readFileSync } from 'node:fs';

/** CPU seconds (user + system) and resident memory (MB) of a process, from /proc. */
export const processStats = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100 Hz)
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuS: ticks / 100, rssMb: rssKb / 1024 };
};

/** The highest resident memory (MB) the process has had, from /proc. */
export const peakRssMbOf = (pid: number) =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** Wall time, and the sidecar process's CPU time and peak RSS (sampled every 20 ms), while `run` runs. */
export const measure = async <T>(pid: number, run: () => Promise<T>) => {
  const before = processStats(pid);
  let peak = before.rssMb;
  const sampler = setInterval(() => {
    peak = Math.max(peak, processStats(pid).rssMb);
  }, 20);
  const started = performance.now();
  try {
    const value = await run();
    const after = processStats(pid);
    return {
      value,
      wallMs: performance.now() - started,
      cpuMs: (after.cpuS - before.cpuS) * 1000,
      peakRssMb: Math.max(peak, after.rssMb),
    };
  } finally {
    clearInterval(sampler);
  }
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

/** The full sync's own calls: the user listing and credential reads (the event feed polls meanwhile). */
export const syncCalls = (byRoute: Record<string, number>) =>
  Object.entries(byRoute)
    .filter(([route]) => /^GET \/admin\/realms\/[^/]+\/users(\/\{id\}\/credentials)?$/.test(route))
    .reduce((sum, [, n]) => sum + n, 0);
