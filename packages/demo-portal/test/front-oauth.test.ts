// OAuth (bitrix24-api.md §1.3): `/rest/{method}` with `auth`, token expiry, refresh rotation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startPortal } from '../src/portal.js';
import type { EmulatorPortal } from '../src/portal.js';
import { call, fakeState, postForm, postJson } from '../src/fake-state.js';

let portal: EmulatorPortal;
const client = { clientId: 'local.app.1', clientSecret: 'app-secret' };

beforeAll(async () => {
  portal = await startPortal({ state: fakeState(), userId: 3, oauth: client });
});
afterAll(() => portal.close());

function refreshUrl(refreshToken: string, secret = client.clientSecret): string {
  const q = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: client.clientId,
    client_secret: secret,
    refresh_token: refreshToken,
  });
  return `${portal.oauthTokenUrl}?${q}`;
}

describe('OAuth calls', () => {
  it('accepts the token in the query, a form body or a JSON body, and hides `auth` from the method', async () => {
    const t = portal.issueOAuthTokens(5);
    let r = await call(`${portal.restUrl}test.echo?auth=${t.access_token}&x=1`);
    expect(r.status).toBe(200);
    expect(r.json.result).toEqual({ params: { x: '1' }, userId: 5, inBatch: false });
    r = await postForm(`${portal.restUrl}TEST.ECHO.json/`, `auth=${t.access_token}&x=2`);
    expect(r.json.result.params).toEqual({ x: '2' });
    r = await postJson(`${portal.restUrl}batch`, { auth: t.access_token, cmd: { a: 'test.echo?y=1' } });
    expect(r.json.result.result.a).toEqual({ params: { y: '1' }, userId: 5, inBatch: true });
  });

  it('answers 401 NO_AUTH_FOUND without a token and 401 invalid_token for an unknown one', async () => {
    let r = await call(`${portal.restUrl}test.echo`);
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' });
    r = await call(`${portal.restUrl}test.echo?auth=not-a-token`);
    expect(r.status).toBe(401);
    expect(r.json.error).toBe('invalid_token');
  });

  it('answers 401 expired_token once tokens expire; a refresh issues a working pair and rotates the refresh token', async () => {
    const first = portal.issueOAuthTokens();
    expect(first).toMatchObject({
      client_endpoint: `${portal.origin}/rest/`,
      expires_in: 3600,
      user_id: 3,
      scope: expect.any(String),
      member_id: expect.any(String),
      server_endpoint: expect.any(String),
      status: expect.any(String),
    });
    portal.expireAccessTokens();
    let r = await call(`${portal.restUrl}test.echo?auth=${first.access_token}`);
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: 'expired_token', error_description: 'The access token provided has expired' });

    const before = portal.counters.tokenRefreshes;
    r = await call(refreshUrl(first.refresh_token));
    expect(r.status).toBe(200);
    const second = r.json;
    expect(Object.keys(second).sort()).toEqual([
      'access_token',
      'client_endpoint',
      'domain',
      'expires',
      'expires_in',
      'member_id',
      'refresh_token',
      'scope',
      'server_endpoint',
      'status',
      'user_id',
    ]);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.user_id).toBe(3);
    expect(second.expires).toBeGreaterThan(Date.now() / 1000 + 3500);
    expect(r.text).toContain('"client_endpoint":"http:\\/\\/127.0.0.1:');
    expect(portal.counters.tokenRefreshes).toBe(before + 1);

    r = await call(`${portal.restUrl}test.echo?auth=${second.access_token}`);
    expect(r.status).toBe(200);
    expect(r.json.result.userId).toBe(3);

    // The old refresh token is spent.
    r = await call(refreshUrl(first.refresh_token));
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('invalid_grant');
    expect(portal.counters.tokenRefreshes).toBe(before + 1);
  });

  it('refuses a wrong client with 401 invalid_client and a bad grant with 400', async () => {
    const t = portal.issueOAuthTokens();
    let r = await call(refreshUrl(t.refresh_token, 'wrong'));
    expect(r.status).toBe(401);
    expect(r.json.error).toBe('invalid_client');
    r = await call(`${portal.origin}/oauth/token/?grant_type=authorization_code&code=x`);
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('invalid_request');
    // The refresh token survives failed attempts by a wrong client.
    r = await postForm(
      `${portal.origin}/oauth/token/`,
      new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: client.clientId,
        client_secret: client.clientSecret,
        refresh_token: t.refresh_token,
      }),
    );
    expect(r.status).toBe(200);
  });

  it('has no token endpoint without the oauth option', async () => {
    const p = await startPortal({ state: fakeState() });
    try {
      expect((await call(`${p.origin}/oauth/token/?grant_type=refresh_token`)).status).toBe(404);
      expect(() => p.issueOAuthTokens()).toThrow(/oauth/);
    } finally {
      await p.close();
    }
  });
});
