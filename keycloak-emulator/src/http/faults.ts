/**
 * Injected latency and faults, so benchmarks can act like a Keycloak across a network and reliability
 * tests can make it slow or failing. Off by default. Also counts requests, which benchmarks report.
 */
import type { RequestHandler } from 'express';

export interface FaultRule {
  /** matched against `METHOD /path` (path without query), e.g. /^GET \/admin\/realms\/[^/]+\/users/ */
  match: RegExp | string;
  /** added delay in ms */
  delayMs?: number;
  /** answer with this status instead of serving the request */
  status?: number;
  /** JSON body for the injected status (default: Keycloak's generic error) */
  body?: unknown;
  headers?: Record<string, string>;
  /** share of matching requests affected, 0..1 (default 1), drawn at random */
  rate?: number;
  /** affect every nth matching request instead (1st..n-1th served, nth affected): repeatable runs */
  every?: number;
  /** stop after this many injected faults */
  times?: number;
  /** drop the connection without answering */
  drop?: boolean;
}

export class FaultInjector {
  latencyMs = 0;
  private rules: (FaultRule & { seen: number })[] = [];
  readonly counts = new Map<string, number>();
  total = 0;

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, seen: 0 });
  }

  clear(): void {
    this.rules = [];
    this.latencyMs = 0;
  }

  resetCounts(): void {
    this.counts.clear();
    this.total = 0;
  }

  /** requests counted for keys (`METHOD /path`) matching the pattern */
  count(pattern?: RegExp): number {
    if (!pattern) return this.total;
    let n = 0;
    for (const [key, value] of this.counts) if (pattern.test(key)) n += value;
    return n;
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      // Clients call collection URLs with and without a trailing slash: match and count them as one.
      const key = `${req.method} ${req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path}`;
      if (!req.path.startsWith('/__emulator')) {
        this.total += 1;
        // Collapse ids so counts group by route.
        const route = key.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{id}');
        this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
      }
      const rule = this.rules.find((r) => {
        const matches = typeof r.match === 'string' ? key.startsWith(r.match) : r.match.test(key);
        if (!matches || (r.times !== undefined && r.times <= 0)) return false;
        r.seen += 1;
        return r.every !== undefined ? r.seen % r.every === 0 : Math.random() < (r.rate ?? 1);
      });
      if (rule && rule.times !== undefined) rule.times -= 1;
      const delay = this.latencyMs + (rule?.delayMs ?? 0);
      const act = () => {
        if (rule?.drop) {
          req.socket.destroy();
          return;
        }
        if (rule?.status !== undefined) {
          res.set(rule.headers ?? {});
          res.status(rule.status).json(rule.body ?? { error: 'unknown_error' });
          return;
        }
        next();
      };
      if (delay > 0) setTimeout(act, delay);
      else act();
    };
  }
}
