// Direct access to the emulator's method table (no HTTP) for the data-side tests.
import { createPortalState } from '../src/state.js';
import {
  ApiError,
  DEMO_SIZES,
  type MethodContext,
  type MethodResult,
  type Params,
  type PortalState,
} from '../src/types.js';

export const NOW = new Date('2025-03-01T12:00:00Z');

export function makeState(seed = 42, size: 'small' | 'large' = 'small'): PortalState {
  return createPortalState({ seed, sizes: DEMO_SIZES[size], utcOffset: '+03:00', userId: 1 });
}

export function ctx(userId = 1): MethodContext {
  return { userId, now: () => NOW, inBatch: false };
}

/** Calls a method; the result goes through JSON like on the wire. */
export function call(
  state: PortalState,
  method: string,
  params: Params = {},
  userId = 1,
): MethodResult & { result: any } {
  const handler = state.methods[method];
  if (!handler) throw new Error(`no method ${method}`);
  return JSON.parse(JSON.stringify(handler(params, ctx(userId))));
}

/** Calls a method that must fail; returns the ApiError. */
export function fail(state: PortalState, method: string, params: Params = {}): ApiError {
  try {
    state.methods[method](params, ctx());
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error(`${method} did not fail`);
}
