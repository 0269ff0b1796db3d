// The start-up check of the configured portal: one cheap call (user.current), so a mistyped
// host, a portal that is down or a revoked webhook is reported in the first log lines instead of
// at the first query. Never throws: the gateway still starts (the portal may come back), and
// /ready tells orchestrators the truth meanwhile.
import type { Logger } from 'pino';
import { BitrixError } from './errors.js';
import type { BitrixPortal } from './portal.js';

export interface ProbeResult {
  ok: boolean;
  /** What is wrong, for people (no secret: the host only). */
  problem?: string;
}

export async function probePortal(
  portal: BitrixPortal,
  host: string,
  logger: Logger,
  deadlineMs = 5_000,
): Promise<ProbeResult> {
  try {
    await portal.read('user.current', {}, { deadline: Date.now() + deadlineMs, fresh: true });
    logger.info({ portal: host }, 'portal reachable');
    return { ok: true };
  } catch (error) {
    const problem = explain(error, host);
    logger.error(
      { portal: host, code: error instanceof BitrixError ? error.code : undefined },
      `portal check failed: ${problem}`,
    );
    return { ok: false, problem };
  }
}

function explain(error: unknown, host: string): string {
  if (!(error instanceof BitrixError)) return 'unexpected failure while calling the portal';
  const cause = error.description;
  if (/ENOTFOUND|EAI_AGAIN/.test(cause))
    return `the host ${host} cannot be resolved: check the portal address in BITRIX_WEBHOOK_URL (or the OAuth endpoint)`;
  if (/ECONNREFUSED/.test(cause))
    return `${host} refused the connection: is the address (and port) right, and the portal up?`;
  switch (error.errorClass) {
    case 'auth':
      return `the portal rejected the credentials (${error.code}): check the webhook's user id and secret, or the OAuth tokens, and the webhook's scopes`;
    case 'timeout':
      return `${host} did not answer in time`;
    case 'network':
      return `cannot talk to ${host} (${error.code})`;
    default:
      return `the portal answered ${error.code || 'an error'}${error.description ? `: ${error.description}` : ''}`;
  }
}
