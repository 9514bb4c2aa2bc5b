/**
 * MIMI's MLS components (draft-ietf-mimi-protocol-06 §5.4.1, §7): participant list, room
 * metadata, franking, and external senders with the hub.
 *
 * @packageDocumentation
 */
export * from "./apply-participant-list-update.js";
export * from "./credential.js";
export * from "./external-join.js";
export * from "./external-senders.js";
export * from "./frank-aad.js";
export * from "./franking-agent-data.js";
export * from "./handlers.js";
export * from "./participant-list-data.js";
export * from "./participant-list-update.js";
export * from "./room-metadata.js";
