/**
 * The hub side of draft-ietf-mimi-protocol-06.
 */
export * from "./credentials.js";
export * from "./endpoints.js";
export * from "./fanout.js";
export { groupInfoEncryptionLabel, handleGroupInfo } from "./group-info.js";
export * from "./hub.js";
export {
  createJoinCode,
  deleteJoinCode,
  type JoinCodeInput,
  joinCodeRoleValid,
  type StoredJoinCode,
} from "./join-codes.js";
export { consentFromTable, handleKeyMaterial } from "./key-material.js";
export * from "./keys.js";
export { handleReportAbuse, handleSubmitMessage, serverFrank } from "./messages.js";
export { groupInfoOfBundle, handleUpdate, memberDomains } from "./update.js";
