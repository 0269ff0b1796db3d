// `npm start`: the gateway with GraphiQL over the demo portal (deterministic fake data, open
// access), on loopback ports of this machine. The demo portal is its own package
// (packages/demo-portal): it is started here, not by the gateway, and the production image has
// none. It posts its changes to the gateway like an outgoing webhook, so subscriptions work.
//
// Env: PORT, LOG_LEVEL and every other gateway variable; DEMO_SIZE small|large (default small),
// DEMO_RATE_LIMIT true|false (default true: 2 requests/s like a cloud portal).
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPortal } from '@bitrix24-graphql/demo-portal';
import { serve } from '../src/main.js';

const size = process.env.DEMO_SIZE === 'large' ? 'large' : 'small';
const rateLimit = !['false', '0', 'off', 'no'].includes(String(process.env.DEMO_RATE_LIMIT ?? 'true').toLowerCase());
if (process.env.BITRIX_WEBHOOK_URL || process.env.BITRIX_OAUTH_CLIENT_ENDPOINT) {
  console.error(
    'npm start serves the demo portal; to serve your portal run `npm run serve` (or node dist/main.js) with BITRIX_WEBHOOK_URL',
  );
  process.exit(2);
}

const portal = await startPortal({ size, rateLimit: { enabled: rateLimit } });
const eventsToken = randomBytes(16).toString('hex');
console.warn(`demo portal (${size}, rate limit ${rateLimit ? 'on' : 'off'}): deterministic fake data, open access`);
// The demo portal is built afresh on every start: so is the change feed's memory of it.
const feedFile = process.env.CHANGE_FEED_FILE ?? join(tmpdir(), `bitrix24-graphql-demo-feed-${process.pid}.json`);
const running = await serve(
  {
    ...process.env,
    BITRIX_WEBHOOK_URL: portal.webhookUrl,
    GATEWAY_AUTH: 'off',
    BITRIX_EVENTS_TOKEN: eventsToken,
    CHANGE_FEED_FILE: feedFile,
  },
  async () => {
    await portal.close();
    if (!process.env.CHANGE_FEED_FILE) await rm(feedFile, { force: true });
  },
);
portal.setOutgoingWebhook({
  handlerUrl: running.url.replace('localhost', '127.0.0.1').replace('/graphql', '/bitrix/events'),
  applicationToken: eventsToken,
});
