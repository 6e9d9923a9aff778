/**
 * A load generator in its own process, so it does not share the sidecar's event loop. Open loop: request
 * i is due at start + i/rate, evenly spaced, whatever the answers before it did, and its latency is
 * counted from when it was due (a slow answer cannot hide the requests queued behind it). autocannon was
 * used before; its `overallRate` sends each second's requests in one burst at the start of the second and
 * corrects latencies for a 1 ms interval, which measured its own queueing, not the service.
 * Reads {url, method, headers, paths?, bodies?, rate, durationS, connections} from IPC, replies with
 * throughput, latency percentiles and status codes.
 */
import { Pool } from 'undici';

interface LoadPlan {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** request paths, used in turn (default: the URL's) */
  paths?: string[];
  /** request bodies, used in turn */
  bodies?: string[];
  rate: number;
  durationS: number;
  /** kept-alive connections (default 20: enough for 500 rps at up to 40 ms each) */
  connections?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);

process.once('message', async (plan: LoadPlan) => {
  const url = new URL(plan.url);
  const pool = new Pool(url.origin, { connections: plan.connections ?? 20 });
  const total = Math.round(plan.rate * plan.durationS);
  const interval = 1000 / plan.rate;
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now() + 20;
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(
      pool
        .request({
          path: plan.paths ? (plan.paths[i % plan.paths.length] as string) : `${url.pathname}${url.search}`,
          method: plan.method ?? 'GET',
          headers: plan.headers ?? {},
          ...(plan.bodies ? { body: plan.bodies[i % plan.bodies.length] } : {}),
        })
        .then(async (response) => {
          await response.body.dump();
          latencies.push(performance.now() - due);
          statusCodes[response.statusCode] = (statusCodes[response.statusCode] ?? 0) + 1;
        })
        .catch(() => {
          errors += 1;
        }),
    );
  }
  await Promise.all(inFlight);
  const elapsedS = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  process.send?.({
    rps: Math.round(latencies.length / elapsedS),
    p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
    p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
    errors,
    statusCodes,
  });
  process.exit(0);
});
