/**
 * A load generator in its own process (autocannon), so it does not share the sidecar's event loop.
 * Reads {url, method, headers, paths?, bodies?, rate, durationS, connections} from IPC, replies with
 * throughput, latency percentiles and status codes.
 */
import autocannon from 'autocannon';

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
  connections?: number;
}

process.once('message', async (plan: LoadPlan) => {
  let n = 0;
  const result = await autocannon({
    url: plan.url,
    method: plan.method ?? 'GET',
    headers: plan.headers ?? {},
    connections: plan.connections ?? 50,
    duration: plan.durationS,
    overallRate: plan.rate,
    requests: [
      {
        setupRequest: (request) => {
          const i = n++;
          return {
            ...request,
            ...(plan.paths ? { path: plan.paths[i % plan.paths.length] } : {}),
            ...(plan.bodies ? { body: plan.bodies[i % plan.bodies.length] } : {}),
          };
        },
      },
    ],
  });
  process.send?.({
    rps: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
  });
  process.exit(0);
});
