// Each GraphQL request's cancellation signal: aborted when its deadline passes or when the client
// goes away, and released when the response is ready. Not `AbortSignal.any([request.signal,
// AbortSignal.timeout(ms)])`: Node 20 keeps a composite signal that has an abort listener in a
// global set until it aborts, and holds the timeout source only weakly, so once the timeout
// signal is collected the composite never aborts and every request's signal (with everything its
// listeners reach) stayed on the heap forever (issue 10, found with a heap snapshot).
import type { ServerResponse } from 'node:http';
import type { Plugin } from 'graphql-yoga';

interface Open {
  controller: AbortController;
  timer: NodeJS.Timeout;
  forget: () => void;
}

export interface RequestDeadlines {
  /** A signal for `request`, aborted at `Date.now() + ms` or when the client disconnects (seen on
   * the Node response when there is one: cheaper than the Fetch request's own signal). */
  open(request: Request, res?: ServerResponse): { signal: AbortSignal; deadline: number };
  /** Yoga plugin: releases the request's timer and listener once its response is ready. */
  plugin: Plugin;
}

export function requestDeadlines(ms: number): RequestDeadlines {
  // A request may build several contexts (batched operations): each gets its own signal.
  const open = new WeakMap<Request, Open[]>();
  const release = (request: Request) => {
    for (const entry of open.get(request) ?? []) {
      clearTimeout(entry.timer);
      entry.forget();
    }
    open.delete(request);
  };
  return {
    open(request, res) {
      const controller = new AbortController();
      const deadline = Date.now() + ms;
      let forget: () => void;
      if (res) {
        // 'close' before the response is released means the client went away.
        const onClose = () => controller.abort(new DOMException('the client went away', 'AbortError'));
        if (res.destroyed) onClose();
        else res.once('close', onClose);
        forget = () => res.off('close', onClose);
      } else {
        const onClientGone = () => controller.abort(request.signal.reason);
        if (request.signal.aborted) onClientGone();
        else request.signal.addEventListener('abort', onClientGone, { once: true });
        forget = () => request.signal.removeEventListener('abort', onClientGone);
      }
      const timer = setTimeout(() => controller.abort(new DOMException('request deadline passed', 'TimeoutError')), ms);
      timer.unref();
      const list = open.get(request) ?? [];
      list.push({ controller, timer, forget });
      open.set(request, list);
      return { signal: controller.signal, deadline };
    },
    plugin: {
      // For a stream (SSE) the response is ready when streaming starts; its deadline is the
      // `deadline` number the scheduler still checks, not this timer.
      onResponse({ request }) {
        release(request);
      },
    },
  };
}
