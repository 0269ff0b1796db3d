// The demo portal's public face: start one on a loopback port (the demo and the gateway's test
// double), its deterministic data facts, the outgoing-event body it posts, and a tiny fake data
// side for wire-level tests. Nothing of the gateway is imported here, nor anything of this
// package by the gateway's product code: it is the other side of the wire.
export {
  DEFAULT_WEBHOOK_SECRET,
  startPortal,
  type EmulatorPortal,
  type PortalCounters,
  type StartPortalOptions,
} from './portal.js';
export { DEMO, demoFacts, createPortalState } from './state.js';
export { eventBody, metaEventBody } from './events.js';
export { USER_TYPES, type UfSpec, type UserTypeId } from './custom-fields.js';
export { ufCamelName } from './fields.js';
export {
  ApiError,
  DEMO_SIZES,
  type FaultKind,
  type MetaEvent,
  type MethodContext,
  type MethodHandler,
  type MethodResult,
  type Params,
  type PortalState,
} from './types.js';
export { fakeState, type FakeState } from './fake-state.js';
