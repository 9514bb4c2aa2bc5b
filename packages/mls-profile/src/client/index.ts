/**
 * The client-side facade used by the transport and the demo: a room's group through MIMI's
 * profile of MLS.
 *
 * @packageDocumentation
 */
export * from "./messages.js";
export * from "./operations.js";
export * from "./profile.js";
export * from "./room-state.js";
