// GraphQL over HTTP conformance: the official `graphql-http` audit suite, one test per audit,
// against the real gateway over loopback HTTP. Every MUST audit passes; SHOULD and MAY audits
// may warn (they are listed at the end of the run, and in the README's notes on compliance).
import { serverAudits, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
const warnings: string[] = [];
const passed: string[] = [];

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  const levels = (prefix: string) => passed.filter((name) => name.startsWith(prefix)).length;
  console.info(
    `graphql-http: ${passed.length} audits ok (MUST ${levels('MUST')}, SHOULD ${levels('SHOULD')}, MAY ${levels('MAY')}), ${warnings.length} warn` +
      (warnings.length ? `:\n${warnings.join('\n')}` : ''),
  );
  await stack?.close();
});

describe('graphql-http server audits', () => {
  // The stack starts in beforeAll; the audits ask for the URL when they run.
  const audits = serverAudits({ url: () => stack.url, fetchFn: fetch });

  it('has the full audit list', () => {
    expect(audits.length).toBeGreaterThan(50);
  });

  for (const audit of audits) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result: AuditResult = await audit.fn();
      if (result.status === 'ok') {
        passed.push(audit.name);
        return;
      }
      const body = await result.response
        .clone()
        .text()
        .catch(() => '<unreadable>');
      const detail = `${audit.name}: ${result.reason} (HTTP ${result.response.status}, ${result.response.headers.get('content-type')}, body ${body.slice(0, 300)})`;
      if (audit.name.startsWith('MUST')) throw new Error(detail);
      // SHOULD/MAY: a recommendation; never an error status (graphql-http uses 'error' only for MUST).
      expect(result.status).not.toBe('error');
      warnings.push(`  ${audit.id} ${detail}`);
    });
  }
});
