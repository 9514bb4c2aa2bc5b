/**
 * The pieces of draft-ietf-mls-extensions-10 (the Safe Application Interface and companions)
 * MIMI uses.
 *
 * @packageDocumentation
 */
export * from "./app-data-dictionary.js";
export * from "./app-data-dictionary-extension.js";
export * from "./app-data-proposal-handler.js";
export * from "./app-data-update.js";
export * from "./app-ephemeral.js";
export * from "./application-framing.js";
export * from "./apply-app-data-updates.js";
export * from "./code-points.js";
export * from "./component-data.js";
export * from "./component-id.js";
export * from "./component-operation-label.js";
export * from "./components-list.js";
export * from "./last-resort-key-package.js";
export * from "./media-type.js";
export * from "./safe-aad.js";
export * from "./self-remove.js";
export * from "./wire-formats.js";
