// Structured JSON logs (pino). Every string that reaches a log line is scrubbed of the secrets
// registered here (the webhook secret, OAuth tokens, API keys), whatever field it sits in.
import pino, { type Logger } from 'pino';

const secrets = new Set<string>();

/** Registers values that must never be logged. */
export function registerSecrets(values: Iterable<string>): void {
  for (const value of values) if (value && value.length >= 4) secrets.add(value);
}

export function scrub(text: string): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('***');
  return out;
}

function scrubDeep(value: unknown): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value instanceof Error)
    return { type: value.name, message: scrub(value.message), stack: value.stack ? scrub(value.stack) : undefined };
  if (Array.isArray(value)) return value.map(scrubDeep);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v)]));
  }
  return value;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-api-key"]',
          'headers.authorization',
          'headers["x-api-key"]',
        ],
        censor: '***',
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map(scrubDeep) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
