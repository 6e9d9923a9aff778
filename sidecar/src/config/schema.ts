/**
 * The sidecar's settings, from the environment (and optionally a JSON/YAML file named by
 * SIDECAR_CONFIG_FILE, whose keys are the same names). Validated once at start: a wrong or missing
 * setting stops the start with one line naming it. Secret values never appear in messages.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const seconds = z.coerce.number().int().positive();
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const url = z.url({ protocol: /^https?$/ });
/** Express's `trust proxy`: a hop count, or proxies by address, subnet or name (loopback, uniquelocal, …). */
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const trustedProxies = z
  .string()
  .trim()
  .refine(
    (value) =>
      /^\d{1,2}$/.test(value) ||
      value.split(',').every((entry) => {
        const [address = '', bits, ...rest] = entry.trim().split('/');
        return (
          rest.length === 0 &&
          (PROXY_NAMES.has(address)
            ? bits === undefined
            : isIP(address) !== 0 &&
              (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address) === 4 ? 32 : 128))))
        );
      }),
    'expected a hop count (e.g. 1) or comma-separated addresses/subnets (e.g. 10.0.0.0/8, loopback)',
  )
  .transform((value) => (/^\d+$/.test(value) ? Number(value) : value));

export const SETTINGS = z
  .object({
    KEYCLOAK_URL: url.describe(
      'Keycloak base URL, e.g. https://sso.example.org (without /auth unless your Keycloak uses it)',
    ),
    KEYCLOAK_REALM: z.string().min(1).describe('the realm the sidecar enforces'),
    REALM_DISPLAY_NAME: z
      .string()
      .min(1)
      .optional()
      .describe('how emails and pages name the realm, e.g. "Demo Research Lab" (default: KEYCLOAK_REALM)'),
    SIDECAR_CLIENT_ID: z.string().min(1).default('otp-sidecar').describe("the sidecar's service-account client"),
    SIDECAR_CLIENT_SECRET: z.string().min(1).describe("the sidecar client's secret (secret)"),
    KEYCLOAK_CONCURRENCY: z.coerce
      .number()
      .int()
      .min(1)
      .max(64)
      .default(8)
      .describe('admin API calls in flight at most'),
    KEYCLOAK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000).describe('timeout of one admin API call'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
      .optional()
      .describe('PostgreSQL URL (secret); unset = the embedded database in SIDECAR_DATA_DIR'),
    SIDECAR_DATA_DIR: z.string().min(1).default('.data/sidecar').describe('folder of the embedded database'),
    REALM_CONFIG_DIR: z.string().min(1).optional().describe('folder with sidecar.yaml (default realm-config/<realm>)'),
    SMTP_HOST: z.string().min(1).optional().describe('SMTP server for the sidecar’s own emails; unset = no emails'),
    SMTP_PORT: port.default(25).describe('SMTP port'),
    SMTP_SECURE: bool.default(false).describe('implicit TLS (port 465)'),
    SMTP_STARTTLS: bool.default(false).describe('require STARTTLS'),
    SMTP_USER: z.string().optional().describe('SMTP user'),
    SMTP_PASSWORD: z.string().optional().describe('SMTP password (secret)'),
    SMTP_FROM: z.string().min(3).default('otp-sidecar@localhost').describe('From address of the sidecar’s emails'),
    HELPDESK_TOKEN_CLIENTS: z
      .string()
      .default('otp-helpdesk')
      .transform((v) =>
        v
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean),
      )
      .describe('clients whose access tokens the API accepts (the token azp), comma separated'),
    HELPDESK_CLIENT_ID: z
      .string()
      .min(1)
      .default('otp-helpdesk')
      .describe('public client the helpdesk page signs staff in with (code flow + PKCE)'),
    HELPDESK_SESSION_SECRET: z
      .string()
      .min(32)
      .describe(
        'key sealing helpdesk page sessions in the store (secret, at least 32 characters, the same on every replica; the embedded demo sets one)',
      ),
    KEYCLOAK_PUBLIC_URL: url
      .optional()
      .describe('Keycloak base URL as browsers reach it, when it differs from KEYCLOAK_URL (e.g. inside Docker)'),
    HELPDESK_ROLE: z.string().min(1).default('otp-helpdesk').describe('realm role staff need for the API'),
    HELPDESK_ADMIN_ROLE: z
      .string()
      .min(1)
      .default('otp-helpdesk-admin')
      .describe('realm role that may also act on staff and admin accounts'),
    LISTEN_HOST: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('address the HTTP server listens on (the container image sets 0.0.0.0)'),
    PORT: port.default(8081).describe('HTTP port'),
    METRICS_HOST: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('address of the management listener (/metrics, detailed /readyz); keep it off the public network'),
    METRICS_PORT: port.default(9464).describe('port of the management listener'),
    HTTP_REQUEST_TIMEOUT_SECONDS: seconds
      .default(30)
      .describe('a request (headers and body) must arrive within this time, else 408 and the connection is closed'),
    HTTP_HEADERS_TIMEOUT_SECONDS: seconds
      .default(10)
      .describe('the request headers must arrive within this time (slow clients holding connections are cut)'),
    HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: seconds.default(5).describe('an idle keep-alive connection is closed after this'),
    HTTP_MAX_CONNECTIONS: z.coerce
      .number()
      .int()
      .min(1)
      .default(1024)
      .describe('open connections at most on the public listener; over it new connections are refused'),
    PUBLIC_URL: url.optional().describe('the sidecar’s public base URL (links in emails, helpdesk login redirect)'),
    TRUST_PROXY: trustedProxies
      .optional()
      .describe(
        'reverse proxies whose X-Forwarded-For names the client (per-IP rate limits): a hop count or addresses/subnets; unset = the connecting address',
      ),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('log level'),
    LOG_FORMAT: z
      .enum(['auto', 'json', 'pretty'])
      .default('auto')
      .describe(
        'log lines: JSON (for a log collector), pretty (readable), auto = pretty when stdout is a terminal, else JSON',
      ),
    RECONCILE_INTERVAL_SECONDS: seconds.default(900).describe('full enforcement pass every N seconds'),
    DEVICE_SYNC_INTERVAL_SECONDS: seconds
      .default(21_600)
      .describe('full device sync every N seconds (events keep it current between)'),
    EVENT_POLL_INTERVAL_SECONDS: seconds
      .default(1)
      .describe('how often Keycloak events are read (two admin API calls a poll)'),
    DRY_RUN: bool.default(false).describe('log what enforcement would change, change nothing'),
    DATABASE_WAIT_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .default(60)
      .describe('at start, how long to wait for a PostgreSQL that does not answer yet before giving up'),
    SHUTDOWN_TIMEOUT_SECONDS: seconds
      .default(20)
      .describe('on SIGTERM, how long requests and jobs in flight may take before connections are cut'),
  })
  .strict()
  .refine((s) => s.HTTP_HEADERS_TIMEOUT_SECONDS <= s.HTTP_REQUEST_TIMEOUT_SECONDS, {
    message: 'must not exceed HTTP_REQUEST_TIMEOUT_SECONDS',
    path: ['HTTP_HEADERS_TIMEOUT_SECONDS'],
  });

export type Settings = z.infer<typeof SETTINGS>;

/** Names whose values are never printed. */
export const SECRET_SETTINGS = new Set([
  'SIDECAR_CLIENT_SECRET',
  'DATABASE_URL',
  'SMTP_PASSWORD',
  'HELPDESK_SESSION_SECRET',
]);
