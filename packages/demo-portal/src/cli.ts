// `npm run portal`: the local demo portal for operators and benchmarks.
// Env: PORTAL_PORT (default 4100), PORTAL_SIZE small|large (default small),
// PORTAL_RATE_LIMIT on|off (default on: behave like a real cloud portal), PORTAL_SEED (default 42).
import { startPortal } from './portal.js';

function env(name: string, fallback: string): string {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : v;
}

function fail(message: string): never {
  process.stderr.write(`portal: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const port = Number(env('PORTAL_PORT', '4100'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('PORTAL_PORT must be a port number');
  const size = env('PORTAL_SIZE', 'small');
  if (size !== 'small' && size !== 'large') fail('PORTAL_SIZE must be small or large');
  const rate = env('PORTAL_RATE_LIMIT', 'on');
  if (rate !== 'on' && rate !== 'off') fail('PORTAL_RATE_LIMIT must be on or off');
  const seed = Number(env('PORTAL_SEED', '42'));
  if (!Number.isInteger(seed)) fail('PORTAL_SEED must be an integer');

  const portal = await startPortal({ port, size, seed, rateLimit: { enabled: rate === 'on' } });
  // The one place the webhook code is printed on purpose: it is the operator's own local demo
  // portal and this URL is how they point the gateway at it.
  process.stdout.write(`${portal.webhookUrl}\n`);
  process.stderr.write(`portal: listening on ${portal.origin} (size ${size}, rate limit ${rate}, seed ${seed})\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`portal: ${signal}, stopping\n`);
    portal.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  fail(err instanceof Error ? (err.stack ?? err.message) : String(err));
});
