import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Keys whose values are personal data. pino replaces them with "[redacted]" wherever they appear one or
 * two levels deep, so a stray `log.info({ person })` does not leak a pupil's name or address.
 */
const PERSONAL_KEYS = ['name', 'displayName', 'email', 'emails', 'upn', 'userPrincipalName', 'title', 'fileTitle', 'text', 'body'];

const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  ...PERSONAL_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

/** The root logger; callers make a child per request, activity or job run with tenant and correlation ids. */
export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { app: 'lantern' },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination(1),
  );
}

/** Shortens an address for logs: "j.smith@northgate.example" → "j…@northgate.example". */
export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  if (at <= 0) return '…';
  return `${email[0]}…${email.slice(at)}`;
}
