// Control API for other processes (benchmarks run the gateway and the portal separately):
//   GET  /_emulator/{secret}/counters   → counters JSON
//   POST /_emulator/{secret}/reset      → zero counters; body {"limiters":true} also empties the
//                                         leaky bucket and the operating windows
//   POST /_emulator/{secret}/faults     → body FaultConfig JSON, or null/empty to turn off
//   POST /_emulator/{secret}/limits     → body {rateLimit?, operatingLimit?}
//   POST /_emulator/{secret}/webhook    → body OutgoingWebhook JSON ({handlerUrl, applicationToken,
//                                         lossRate?}), or null/empty to stop delivering events
//   GET  /_emulator/{secret}/events     → {delivered, failed, lost}
// Anything else, including a wrong secret, is 404 so the API does not advertise itself.
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { PortalCounters } from './counters.js';
import type { OutgoingWebhook } from './events.js';
import type { FaultConfig, PortalOptions } from './types.js';

export interface ControlApi {
  counters(): PortalCounters;
  resetCounters(): void;
  resetLimiters(): void;
  setFaults(config: FaultConfig | null): void;
  setRateLimit(config: NonNullable<PortalOptions['rateLimit']>): void;
  setOperatingLimit(config: NonNullable<PortalOptions['operatingLimit']>): void;
  setOutgoingWebhook(config: OutgoingWebhook | null): void;
  eventCounts(): { delivered: number; failed: number; lost: number };
}

const MAX_CONTROL_BODY = 64 * 1024;

export async function handleControl(
  api: ControlApi,
  secret: string,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const [, , given, action, ...rest] = path.split('/'); // '', '_emulator', secret, action
  const text = await readText(req);
  if (given !== secret || rest.some((s) => s !== '') || text === null) return reply(res, 404, { error: 'NOT_FOUND' });

  const method = req.method ?? 'GET';
  try {
    if (action === 'counters' && method === 'GET') return reply(res, 200, api.counters());
    if (action === 'events' && method === 'GET') return reply(res, 200, api.eventCounts());
    if (method !== 'POST') return reply(res, 404, { error: 'NOT_FOUND' });
    const body = text.trim() === '' ? null : (JSON.parse(text) as unknown);
    switch (action) {
      case 'reset':
        api.resetCounters();
        if (isObject(body) && body.limiters === true) api.resetLimiters();
        return reply(res, 200, { ok: true });
      case 'faults':
        api.setFaults(body as FaultConfig | null);
        return reply(res, 200, { ok: true });
      case 'limits': {
        if (!isObject(body)) throw new Error('body must be {rateLimit?, operatingLimit?}');
        const { rateLimit, operatingLimit } = body;
        if (rateLimit !== undefined)
          api.setRateLimit(
            limitConfig(rateLimit, ['drainPerSecond', 'bucket']) as NonNullable<PortalOptions['rateLimit']>,
          );
        if (operatingLimit !== undefined) {
          api.setOperatingLimit(
            limitConfig(operatingLimit, ['limitSeconds', 'windowSeconds', 'costSeconds']) as NonNullable<
              PortalOptions['operatingLimit']
            >,
          );
        }
        return reply(res, 200, { ok: true });
      }
      case 'webhook': {
        if (
          body !== null &&
          (!isObject(body) || typeof body.handlerUrl !== 'string' || typeof body.applicationToken !== 'string')
        )
          throw new Error('body must be {handlerUrl, applicationToken, lossRate?} or null');
        api.setOutgoingWebhook(body as OutgoingWebhook | null);
        return reply(res, 200, { ok: true });
      }
      default:
        return reply(res, 404, { error: 'NOT_FOUND' });
    }
  } catch (err) {
    return reply(res, 400, {
      error: 'INVALID_REQUEST',
      error_description: err instanceof Error ? err.message : String(err),
    });
  }
}

function limitConfig(value: unknown, numeric: string[]): Record<string, unknown> {
  if (!isObject(value) || typeof value.enabled !== 'boolean') throw new Error('limit config needs a boolean "enabled"');
  for (const key of numeric) {
    const v = value[key];
    if (v !== undefined && (typeof v !== 'number' || !(v > 0))) throw new Error(`${key} must be a positive number`);
  }
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

async function readText(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_CONTROL_BODY) chunks.push(chunk);
  }
  return size > MAX_CONTROL_BODY ? null : Buffer.concat(chunks).toString('utf8');
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const buf = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': buf.length });
  res.end(buf);
}
