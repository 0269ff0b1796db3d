// How requests authenticate: an incoming webhook (the secret lives in the URL path) or an
// OAuth application token (sent as the `auth` parameter, refreshed on 401 expired_token).
import { request } from 'undici';
import { BitrixError } from './errors.js';

export interface WebhookAuthConfig {
  kind: 'webhook';
  /** `https://portal/rest/<user>/<secret>/` */
  url: string;
}

export interface OAuthConfig {
  kind: 'oauth';
  /** `client_endpoint` from the token response, e.g. `https://portal.bitrix24.com/rest/` */
  clientEndpoint: string;
  accessToken: string;
  refreshToken: string;
  clientId: string;
  clientSecret: string;
  /** Default `https://oauth.bitrix.info/oauth/token/`. */
  tokenUrl?: string;
  /** Called with every new token pair so the host can persist the rotated refresh token. */
  onTokens?: (tokens: { accessToken: string; refreshToken: string; expiresIn: number }) => void;
}

export type AuthConfig = WebhookAuthConfig | OAuthConfig;

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** Where a method call goes and what must never be logged. */
export interface Endpoint {
  origin: string;
  /** Path prefix up to and including the trailing slash, before the method name. */
  basePath: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses and validates a webhook URL without ever echoing it (it contains the secret). */
export function parseWebhookUrl(raw: string): Endpoint & { userId: number; secret: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('BITRIX_WEBHOOK_URL is not a valid URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
    throw new ConfigError('BITRIX_WEBHOOK_URL must use https (plain http is accepted only for a local portal)');
  }
  const match = /^\/rest\/(\d+)\/([^/]+)\/?$/.exec(url.pathname);
  if (!match) {
    throw new ConfigError('BITRIX_WEBHOOK_URL must look like https://<portal>/rest/<user id>/<secret>/');
  }
  return {
    origin: url.origin,
    basePath: `/rest/${match[1]}/${match[2]}/`,
    userId: Number(match[1]),
    secret: match[2],
  };
}

/** Holds the current OAuth tokens and coalesces concurrent refreshes into one. */
export class OAuthSession {
  private accessToken: string;
  private refreshToken: string;
  private refreshing: Promise<void> | null = null;
  refreshCount = 0;

  constructor(
    private readonly config: OAuthConfig,
    private readonly timeoutMs: number,
  ) {
    this.accessToken = config.accessToken;
    this.refreshToken = config.refreshToken;
  }

  get token(): string {
    return this.accessToken;
  }

  secrets(): string[] {
    return [this.accessToken, this.refreshToken, this.config.clientSecret];
  }

  /** Refreshes once for all callers that saw the same expired token. */
  refresh(expiredToken: string): Promise<void> {
    if (expiredToken !== this.accessToken) return Promise.resolve(); // someone already refreshed
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const url = new URL(this.config.tokenUrl ?? 'https://oauth.bitrix.info/oauth/token/');
    url.searchParams.set('grant_type', 'refresh_token');
    url.searchParams.set('client_id', this.config.clientId);
    url.searchParams.set('client_secret', this.config.clientSecret);
    url.searchParams.set('refresh_token', this.refreshToken);
    let status: number;
    let body: Record<string, unknown>;
    try {
      const res = await request(url, {
        method: 'GET',
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      status = res.statusCode;
      body = (await res.body.json()) as Record<string, unknown>;
    } catch {
      throw new BitrixError({
        code: 'OAUTH_REFRESH_FAILED',
        description: 'token refresh request failed',
        method: 'oauth.token',
        errorClass: 'network',
      });
    }
    if (status !== 200 || typeof body.access_token !== 'string' || typeof body.refresh_token !== 'string') {
      throw new BitrixError({
        code: typeof body.error === 'string' ? body.error : 'OAUTH_REFRESH_FAILED',
        description: 'the OAuth server refused to refresh the token',
        httpStatus: status,
        method: 'oauth.token',
        errorClass: 'auth',
      });
    }
    this.accessToken = body.access_token;
    this.refreshToken = body.refresh_token;
    this.refreshCount++;
    this.config.onTokens?.({
      accessToken: this.accessToken,
      refreshToken: this.refreshToken,
      expiresIn: Number(body.expires_in ?? 3600),
    });
  }
}
