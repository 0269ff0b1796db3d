// OAuth 2.0 side of the emulated portal (bitrix24-api.md §1.3): access tokens checked on
// `/rest/<method>?auth=…`, and the token endpoint `/oauth/token/` for refresh_token grants.
// The real auth server is oauth.bitrix.info; here the portal plays both roles.
import { randomBytes } from 'node:crypto';

import { ApiError } from './types.js';

export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  accessTokenTtlSeconds?: number;
}

/** Token JSON of §1.3 (refresh shape: includes `expires` and `user_id`). */
export interface OAuthTokenResponse {
  access_token: string;
  client_endpoint: string;
  domain: string;
  expires: number;
  expires_in: number;
  member_id: string;
  refresh_token: string;
  scope: string;
  server_endpoint: string;
  status: string;
  user_id: number;
}

const REFRESH_TTL_MS = 180 * 24 * 3600 * 1000; // §1.3: refresh_token lives 180 days
const SCOPE = 'crm,user,department';

interface AccessEntry {
  userId: number;
  expiresAt: number;
}

interface RefreshEntry {
  userId: number;
  expiresAt: number;
}

export class OAuthServer {
  private readonly access = new Map<string, AccessEntry>();
  private readonly refresh = new Map<string, RefreshEntry>();
  private readonly ttlSeconds: number;
  readonly memberId: string;

  constructor(
    private readonly cfg: OAuthConfig,
    /** `http://127.0.0.1:<port>`; known only once the server listens. */
    private readonly origin: () => string,
    private readonly onRefresh: () => void = () => {},
  ) {
    this.ttlSeconds = cfg.accessTokenTtlSeconds ?? 3600; // §1.3: access_token lives 1 h
    this.memberId = randomBytes(16).toString('hex');
  }

  /** Mints a fresh access/refresh pair (what the authorization_code step would give). */
  issue(userId: number): OAuthTokenResponse {
    const now = Date.now();
    this.prune(now);
    const accessToken = randomBytes(36).toString('hex');
    const refreshToken = randomBytes(36).toString('hex');
    const expiresAt = now + this.ttlSeconds * 1000;
    this.access.set(accessToken, { userId, expiresAt });
    this.refresh.set(refreshToken, { userId, expiresAt: now + REFRESH_TTL_MS });
    const origin = this.origin();
    return {
      access_token: accessToken,
      client_endpoint: `${origin}/rest/`,
      domain: new URL(origin).host,
      expires: Math.floor(expiresAt / 1000),
      expires_in: this.ttlSeconds,
      member_id: this.memberId,
      refresh_token: refreshToken,
      scope: SCOPE,
      server_endpoint: `${origin}/rest/`,
      status: 'L', // local application (§9.3 status letters)
      user_id: userId,
    };
  }

  /** Makes every issued access token expired (tests of the 401 expired_token → refresh path). */
  expireAccessTokens(): void {
    for (const entry of this.access.values()) entry.expiresAt = 0;
  }

  /** The user a token belongs to, or the 401 the portal answers. */
  authenticate(token: string): number {
    const entry = this.access.get(token);
    // invalid_token text is UNCONFIRMED (§2.4, §11); this is the oauth2-php wording, whose
    // expired-token text matches the documented `expired_token` one.
    if (!entry) throw new ApiError('invalid_token', 'The access token provided is invalid', 401);
    if (entry.expiresAt <= Date.now()) {
      throw new ApiError('expired_token', 'The access token provided has expired', 401);
    }
    return entry.userId;
  }

  /** `GET|POST /oauth/token/?grant_type=refresh_token&client_id&client_secret&refresh_token`. */
  token(params: Record<string, unknown>): { status: number; body: unknown } {
    const grant = params.grant_type;
    if (grant !== 'refresh_token') {
      // The emulator has no /oauth/authorize/ step, so there are no codes to exchange.
      return oauthError(400, 'invalid_request', 'Only grant_type=refresh_token is supported by the emulator');
    }
    if (params.client_id !== this.cfg.clientId || params.client_secret !== this.cfg.clientSecret) {
      // §1.3: the PHP SDK maps 401 invalid_client to "wrong client"; text UNCONFIRMED.
      return oauthError(401, 'invalid_client', 'The client credentials are invalid');
    }
    const token = params.refresh_token;
    const entry = typeof token === 'string' ? this.refresh.get(token) : undefined;
    if (!entry || entry.expiresAt <= Date.now()) {
      // §1.3: bad/expired/already used refresh token → 400 invalid_grant; text UNCONFIRMED.
      return oauthError(400, 'invalid_grant', 'Invalid refresh token');
    }
    // A new refresh token replaces the old one, which stops working (§1.3).
    this.refresh.delete(token as string);
    this.onRefresh();
    return { status: 200, body: this.issue(entry.userId) };
  }

  private prune(now: number): void {
    // Expired access tokens are kept for an hour so they still answer expired_token, not invalid_token.
    for (const [k, v] of this.access) if (v.expiresAt !== 0 && v.expiresAt + 3600_000 < now) this.access.delete(k);
    for (const [k, v] of this.refresh) if (v.expiresAt <= now) this.refresh.delete(k);
  }
}

function oauthError(status: number, error: string, description: string): { status: number; body: unknown } {
  return { status, body: { error, error_description: description } };
}
