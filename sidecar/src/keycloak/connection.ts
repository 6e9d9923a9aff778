/**
 * The sidecar's one way into Keycloak: the official admin client, authenticated as the sidecar's
 * service account (client credentials, fetched again shortly before expiry), with bounded concurrency,
 * per-request timeouts, retries with exponential backoff and jitter on network errors, 5xx and 429
 * (honouring Retry-After) but never on other 4xx, and a circuit that fails fast while Keycloak is down
 * instead of hammering it.
 */
import { setTimeout as delay } from 'node:timers/promises';
import KcAdminClient from '@keycloak/keycloak-admin-client';
import { Agent } from 'undici';
import { Semaphore } from '../util/semaphore.js';
import { KeycloakUnavailableError, statusOf } from './errors.js';

export interface KeycloakConnectionOptions {
  baseUrl: string;
  realm: string;
  clientId: string;
  clientSecret: string;
  /** the realm the service account lives in (default: `realm`) */
  authRealm?: string;
  concurrency?: number;
  timeoutMs?: number;
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** consecutive failures that open the circuit */
  circuitThreshold?: number;
  circuitCooldownMs?: number;
  /** called for every finished call, for metrics */
  onCall?: (operation: string, outcome: CallOutcome, seconds: number) => void;
  /**
   * Called once when Keycloak starts refusing the sidecar's own credentials or rights (401/403), and once
   * when calls succeed again, so the operator reads the fix once instead of on every call.
   */
  onAccessChange?: (refused: string | undefined) => void;
}

export type CallOutcome = 'ok' | 'client_error' | 'unauthorized' | 'retry_exhausted' | 'circuit_open';

/** The fix for a refused service account, in the words an operator needs. */
const accessAdvice = (status: number) =>
  status === 401
    ? 'Keycloak refuses the sidecar client credentials (401): check SIDECAR_CLIENT_SECRET (and SIDECAR_CLIENT_ID)'
    : "Keycloak forbids the sidecar's admin calls (403): check SIDECAR_CLIENT_SECRET and the service account's roles";

const retryAfterMs = (error: unknown): number | undefined => {
  const header = (error as { response?: Response }).response?.headers?.get?.('retry-after');
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
};

const withTimeout = <T>(promise: Promise<T>, ms: number, operation: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${operation} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

/** Keycloak surely did not act on the request: it refused the connection, or answered 429. */
const surelyNotProcessed = (error: unknown) => {
  const code = (error as { cause?: { code?: string } }).cause?.code;
  return code === 'ECONNREFUSED' || statusOf(error) === 429;
};

export interface CallOptions {
  /**
   * Not safe to repeat (it sends an email): retried only when Keycloak surely did not act on it, never
   * after a timeout, a dropped connection or a 5xx, where it may have.
   */
  atMostOnce?: boolean;
}

type Circuit =
  | { state: 'closed' }
  | { state: 'open'; until: number; cooldownMs: number }
  | { state: 'half-open'; cooldownMs: number };

export class KeycloakConnection {
  readonly client: KcAdminClient;
  private readonly options: Required<Omit<KeycloakConnectionOptions, 'onCall' | 'authRealm' | 'onAccessChange'>> &
    Pick<KeycloakConnectionOptions, 'onCall' | 'authRealm' | 'onAccessChange'>;
  private readonly semaphore: Semaphore;
  private readonly dispatcher: Agent;
  private token?: { value: string; expiresAt: number };
  private tokenRequest?: Promise<string>;
  private circuit: Circuit = { state: 'closed' };
  private consecutiveFailures = 0;
  /** set while Keycloak answers the sidecar's own calls with 401/403: what to fix */
  private refused?: string;
  lastError?: string;

  constructor(options: KeycloakConnectionOptions) {
    this.options = {
      concurrency: 8,
      timeoutMs: 10_000,
      retries: 4,
      baseDelayMs: 200,
      maxDelayMs: 15_000,
      circuitThreshold: 5,
      circuitCooldownMs: 5_000,
      ...options,
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
    };
    this.semaphore = new Semaphore(this.options.concurrency);
    this.dispatcher = new Agent({
      // A backstop that closes abandoned requests; `call` times out precisely (undici's timers are coarse).
      connectTimeout: this.options.timeoutMs + 1_000,
      headersTimeout: this.options.timeoutMs + 1_000,
      bodyTimeout: this.options.timeoutMs + 1_000,
      connections: this.options.concurrency * 2,
    });
    this.client = new KcAdminClient({
      baseUrl: this.options.baseUrl,
      realmName: this.options.realm,
      requestOptions: { dispatcher: this.dispatcher } as RequestInit,
    });
    this.client.registerTokenProvider({ getAccessToken: () => this.accessToken() });
  }

  get realm() {
    return this.options.realm;
  }

  get baseUrl() {
    return this.options.baseUrl;
  }

  /**
   * 'up' while calls succeed, 'down' while the circuit is open, 'unauthorized' while Keycloak answers but
   * refuses the sidecar's credentials or rights (reachable is not usable).
   */
  get health(): {
    state: 'up' | 'down' | 'probing' | 'unauthorized';
    consecutiveFailures: number;
    lastError?: string;
  } {
    const circuit = this.circuit.state === 'closed' ? 'up' : this.circuit.state === 'open' ? 'down' : 'probing';
    const state = this.refused && circuit === 'up' ? 'unauthorized' : circuit;
    return {
      state,
      consecutiveFailures: this.consecutiveFailures,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Forgets the cached token (e.g. after Keycloak revoked it). */
  invalidateToken() {
    this.token = undefined;
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - Date.now() > 30_000) return this.token.value;
    this.tokenRequest ??= this.fetchToken().finally(() => {
      this.tokenRequest = undefined;
    });
    return this.tokenRequest;
  }

  private async fetchToken(): Promise<string> {
    const realm = encodeURIComponent(this.options.authRealm ?? this.options.realm);
    const basic = Buffer.from(
      `${encodeURIComponent(this.options.clientId)}:${encodeURIComponent(this.options.clientSecret)}`,
    ).toString('base64');
    const response = await fetch(`${this.options.baseUrl}/realms/${realm}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: 'grant_type=client_credentials',
      dispatcher: this.dispatcher,
    } as RequestInit);
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
    };
    if (!response.ok || !body.access_token) {
      // Shaped like the admin client's errors so the retry policy treats it the same way.
      throw Object.assign(new Error(`token request failed: ${response.status} ${body.error ?? ''}`.trim()), {
        response,
      });
    }
    this.token = { value: body.access_token, expiresAt: Date.now() + Number(body.expires_in ?? 60) * 1000 };
    return body.access_token;
  }

  private checkCircuit() {
    if (this.circuit.state !== 'open') return;
    if (Date.now() < this.circuit.until)
      throw new KeycloakUnavailableError(`Keycloak is unavailable: ${this.lastError ?? 'circuit open'}`);
    this.circuit = { state: 'half-open', cooldownMs: this.circuit.cooldownMs };
  }

  private recordAccess(refused: string | undefined) {
    if (refused === this.refused) return;
    const changed = (refused === undefined) !== (this.refused === undefined);
    this.refused = refused;
    if (changed) this.options.onAccessChange?.(refused);
  }

  private recordSuccess() {
    this.recordAccess(undefined);
    this.consecutiveFailures = 0;
    this.lastError = undefined;
    this.circuit = { state: 'closed' };
  }

  private recordFailure(error: unknown) {
    this.consecutiveFailures += 1;
    this.lastError = error instanceof Error ? error.message : String(error);
    const half = this.circuit.state === 'half-open';
    if (half || this.consecutiveFailures >= this.options.circuitThreshold) {
      const previous = this.circuit.state === 'closed' ? this.options.circuitCooldownMs / 2 : this.circuit.cooldownMs;
      const cooldownMs = Math.min(previous * 2, 60_000);
      this.circuit = { state: 'open', until: Date.now() + cooldownMs, cooldownMs };
    }
  }

  private backoff(attempt: number) {
    const exponential = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** attempt);
    return exponential / 2 + Math.random() * (exponential / 2);
  }

  /**
   * Runs one admin operation with the connection's policies. `operation` names it for metrics and logs.
   * Writes are safe to repeat (idempotent or checked) unless marked `atMostOnce`.
   */
  async call<T>(operation: string, fn: (client: KcAdminClient) => Promise<T>, options: CallOptions = {}): Promise<T> {
    const started = performance.now();
    const done = (outcome: CallOutcome) =>
      this.options.onCall?.(operation, outcome, (performance.now() - started) / 1000);
    let refreshedToken = false;
    for (let attempt = 0; ; attempt += 1) {
      try {
        this.checkCircuit();
      } catch (error) {
        done('circuit_open');
        throw error;
      }
      try {
        const result = await this.semaphore.run(() => withTimeout(fn(this.client), this.options.timeoutMs, operation));
        this.recordSuccess();
        done('ok');
        return result;
      } catch (error) {
        const status = statusOf(error);
        if (status === 401 && !refreshedToken) {
          // A revoked or expired token: fetch a new one once, then treat 401 as final.
          refreshedToken = true;
          this.invalidateToken();
          attempt -= 1;
          continue;
        }
        if (status === 401 || status === 403) {
          // Keycloak is reachable but will not serve the sidecar: not retried, but not healthy either.
          this.consecutiveFailures = 0;
          this.circuit = { state: 'closed' };
          this.lastError = accessAdvice(status);
          this.recordAccess(this.lastError);
          done('unauthorized');
          throw error;
        }
        const retriable = status === undefined || status >= 500 || status === 429;
        if (!retriable) {
          this.recordSuccess();
          done('client_error');
          throw error;
        }
        if (status !== 429) this.recordFailure(error);
        const mayHaveActed = options.atMostOnce && !surelyNotProcessed(error);
        if (mayHaveActed || attempt >= this.options.retries || this.circuit.state === 'open') {
          done('retry_exhausted');
          throw new KeycloakUnavailableError(
            `Keycloak ${operation} failed: ${this.lastError ?? (error as Error).message}`,
            {
              cause: error,
            },
          );
        }
        const wait =
          status === 429 ? Math.min(retryAfterMs(error) ?? this.backoff(attempt), 60_000) : this.backoff(attempt);
        await delay(wait);
      }
    }
  }

  async close() {
    await this.dispatcher.close();
  }
}
