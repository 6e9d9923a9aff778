/** Structured logs (pino). Credentials, cookies and tokens are redacted wherever they appear. */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.client_secret',
  '*.access_token',
  '*.refresh_token',
  '*.token',
  '*.secretData',
];

/** LOG_FORMAT (sidecar/src/config/schema.ts) */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** `auto`: readable lines for a person at a terminal, JSON lines for a log collector (anything but a TTY). */
export const prettyLogs = (format: LogFormat, stdoutIsTty = Boolean(process.stdout.isTTY)): boolean =>
  format === 'pretty' || (format === 'auto' && stdoutIsTty);

/**
 * Where the logs go for a format: undefined = pino's own JSON lines on stdout; else pino-pretty in this
 * thread, writing synchronously (not a worker-thread transport), so a log line never lands in the middle of
 * what the process prints with console.log (the start banner) and none is lost at exit.
 */
export const logDestination = (
  format: LogFormat,
  stdoutIsTty = Boolean(process.stdout.isTTY),
): pino.DestinationStream | undefined =>
  prettyLogs(format, stdoutIsTty)
    ? pretty({
        destination: 1,
        sync: true,
        colorize: stdoutIsTty,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,service',
      })
    : undefined;

export const createLogger = (level: string, destination?: pino.DestinationStream): Logger =>
  pino(
    {
      level,
      base: { service: 'otp-sidecar' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
