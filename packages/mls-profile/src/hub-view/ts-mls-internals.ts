/**
 * Every ts-mls 1.6.4 internal the hub view uses, imported through the package's `./*.js` subpath
 * export. ts-mls has no public API for a non-member's view of a group, and its internal modules are
 * unversioned, so all deep imports of the hub view live in this one module (pin the exact ts-mls
 * version; the random-epoch equivalence test catches a drift).
 *
 * @internal
 * @packageDocumentation
 */
export { makeProposalRef } from "ts-mls/authenticatedContent.js";
export {
  type ApplyProposalsResult,
  applyProposals,
  type ClientState,
  nextEpochContext,
  validateLeafNodeCredentialAndKeyUniqueness,
  validateLeafNodeUpdateOrCommit,
  validateRatchetTree,
} from "ts-mls/clientState.js";
export type { Commit } from "ts-mls/commit.js";
export { extensionTypeToNumber } from "ts-mls/extension.js";
export { type FramedContentCommit, verifyFramedContentSignature } from "ts-mls/framedContent.js";
export {
  decodeGroupContext,
  encodeGroupContext,
} from "ts-mls/groupContext.js";
export {
  decodeGroupInfo,
  encodeGroupInfoTBS,
  ratchetTreeFromExtension,
  verifyGroupInfoSignature,
} from "ts-mls/groupInfo.js";
export { decodeMlsMessage } from "ts-mls/message.js";
export { MlsError } from "ts-mls/mlsError.js";
export { encodeParentHashInput } from "ts-mls/parentHash.js";
export type { ProposalOrRef } from "ts-mls/proposalOrRefType.js";
export { findSignaturePublicKey } from "ts-mls/publicMessage.js";
export {
  addLeafNode,
  decodeRatchetTree,
  encodeRatchetTree,
  filteredDirectPath,
  findBlankLeafNodeIndexOrExtend,
  removeLeafNode,
} from "ts-mls/ratchetTree.js";
export { encodeLeafNodeHashInput, encodeParentNodeHashInput, treeHashRoot } from "ts-mls/treeHash.js";
export { leafToNodeIndex, nodeToLeafIndex, toLeafIndex, toNodeIndex } from "ts-mls/treemath.js";
export { applyUpdatePath, type UpdatePath } from "ts-mls/updatePath.js";
export { bytesToBase64 } from "ts-mls/util/byteArray.js";
