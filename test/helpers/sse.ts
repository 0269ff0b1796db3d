// A minimal GraphQL-over-SSE subscriber (Yoga's "distinct connections" mode) for tests.
export interface Subscription<T = any> {
  events: T[];
  /** Resolves when `n` events have arrived (or rejects after `ms`). */
  waitFor(n: number, ms?: number): Promise<T[]>;
  close(): void;
  ready: Promise<void>;
}

export function subscribe<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Subscription<T> {
  const controller = new AbortController();
  const events: T[] = [];
  const waiters: (() => void)[] = [];
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  void (async () => {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
        body: JSON.stringify({ query, variables }),
        signal: controller.signal,
      });
      markReady();
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let split = buffer.indexOf('\n\n'); split >= 0; split = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          const data = block.split('\n').find((l) => l.startsWith('data:'));
          if (block.includes('event: next') && data) {
            events.push(JSON.parse(data.slice(5)));
            for (const w of waiters.splice(0)) w();
          }
        }
      }
    } catch {
      markReady();
    }
  })();
  return {
    events,
    ready,
    waitFor(n, ms = 5_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${events.length} of ${n} events after ${ms} ms`)), ms);
        const check = () => {
          if (events.length >= n) {
            clearTimeout(timer);
            resolve(events.slice());
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () => controller.abort(),
  };
}
