/**
 * Every ts-mls 1.6.4 internal the hub view uses, imported through the package's `./*.js` subpath
 * export. ts-mls has no public API for a non-member's view of a group, and its internal modules are
 * unversioned, so all deep imports of the hub view live in this one module (the version is pinned;
 * the random-epoch equivalence test catches a drift).
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
  validateLeafNodeUpdateOrCommit,
} from "ts-mls/clientState.js";
export type { Commit } from "ts-mls/commit.js";
export { extensionTypeToNumber } from "ts-mls/extension.js";
export { type FramedContentCommit, verifyFramedContentSignature } from "ts-mls/framedContent.js";
export { encodeGroupContext } from "ts-mls/groupContext.js";
export { ratchetTreeFromExtension, verifyGroupInfoSignature } from "ts-mls/groupInfo.js";
export { verifyLeafNodeSignatureKeyPackage } from "ts-mls/leafNode.js";
export { decodeMlsMessage } from "ts-mls/message.js";
export { encodeParentHashInput, verifyParentHashes } from "ts-mls/parentHash.js";
export { decodeProposal, encodeProposal } from "ts-mls/proposal.js";
export { findSignaturePublicKey } from "ts-mls/publicMessage.js";
export {
  addLeafNode,
  decodeRatchetTree,
  filteredDirectPath,
  findBlankLeafNodeIndexOrExtend,
  removeLeafNode,
} from "ts-mls/ratchetTree.js";
export { encodeLeafNodeHashInput, encodeParentNodeHashInput } from "ts-mls/treeHash.js";
export { leafToNodeIndex, nodeToLeafIndex, toLeafIndex } from "ts-mls/treemath.js";
export type { UpdatePath } from "ts-mls/updatePath.js";
export { bytesToBase64 } from "ts-mls/util/byteArray.js";
