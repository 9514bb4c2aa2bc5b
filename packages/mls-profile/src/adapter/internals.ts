/**
 * The ts-mls 1.6.4 internals the project uses, imported in this one module only (ts-mls's
 * `./*.js` subpath exports are not a versioned API; keeping every deep import here makes an
 * upgrade a one-file change). Used by the adapter (strict codecs, error mapping, crypto provider
 * types), the RFC 9420 vector suites and the hub's view of a group (ts-mls has no public API for a
 * non-member; the random-epoch equivalence test catches a drift). Signatures and semantics are
 * ts-mls's own; see its sources. Not exported from the package.
 *
 * @internal
 * @packageDocumentation
 */
export {
  decodeAuthenticatedContent,
  makeProposalRef,
} from "@mimi/ts-mls/authenticatedContent.js";
export { decodeCapabilities, encodeCapabilities } from "@mimi/ts-mls/capabilities.js";
export { defaultClientConfig } from "@mimi/ts-mls/clientConfig.js";
export {
  type ApplyProposalsResult,
  applyProposals,
  type ClientState,
  nextEpochContext,
  validateLeafNodeUpdateOrCommit,
  validateRatchetTree,
} from "@mimi/ts-mls/clientState.js";
export type { Decoder } from "@mimi/ts-mls/codec/tlsDecoder.js";
export { decodeVarLenData } from "@mimi/ts-mls/codec/variableLength.js";
export { type Commit, decodeCommit, encodeCommit } from "@mimi/ts-mls/commit.js";
export { applyUpdatePathSecret } from "@mimi/ts-mls/createCommit.js";
export { decodeCredential, encodeCredential } from "@mimi/ts-mls/credential.js";
export { refhash } from "@mimi/ts-mls/crypto/hash.js";
export { decryptWithLabel, encryptWithLabel, type Hpke } from "@mimi/ts-mls/crypto/hpke.js";
export { deriveSecret, deriveTreeSecret, expandWithLabel } from "@mimi/ts-mls/crypto/kdf.js";
export { type Signature, signWithLabel, verifyWithLabel } from "@mimi/ts-mls/crypto/signature.js";
export { decodeExtension, encodeExtension, extensionTypeToNumber } from "@mimi/ts-mls/extension.js";
export {
  createContentCommitSignature,
  type FramedContentCommit,
  verifyFramedContentSignature,
} from "@mimi/ts-mls/framedContent.js";
export { decodeGroupContext, encodeGroupContext } from "@mimi/ts-mls/groupContext.js";
export {
  decodeGroupInfo,
  encodeGroupInfo,
  ratchetTreeFromExtension,
  verifyGroupInfoConfirmationTag,
  verifyGroupInfoSignature,
} from "@mimi/ts-mls/groupInfo.js";
export { decodeGroupSecrets, encodeGroupSecrets } from "@mimi/ts-mls/groupSecrets.js";
export { decodeHpkeCiphertext, encodeHpkeCiphertext } from "@mimi/ts-mls/hpkeCiphertext.js";
export {
  decodeKeyPackage,
  encodeKeyPackage,
  makeKeyPackageRef,
  signKeyPackage,
  verifyKeyPackage,
} from "@mimi/ts-mls/keyPackage.js";
export { defaultKeyRetentionConfig } from "@mimi/ts-mls/keyRetentionConfig.js";
export { initializeEpoch, mlsExporter } from "@mimi/ts-mls/keySchedule.js";
export {
  signLeafNodeCommit,
  signLeafNodeKeyPackage,
  verifyLeafNodeSignature,
} from "@mimi/ts-mls/leafNode.js";
export { decodeMlsMessage } from "@mimi/ts-mls/message.js";
export {
  protectApplicationData,
  protectProposal,
  unprotectPrivateMessage,
} from "@mimi/ts-mls/messageProtection.js";
export {
  protectProposalPublic,
  protectPublicMessage,
  unprotectPublicMessage,
} from "@mimi/ts-mls/messageProtectionPublic.js";
export * as mlsErrors from "@mimi/ts-mls/mlsError.js";
export { defaultPaddingConfig } from "@mimi/ts-mls/paddingConfig.js";
export { encodeParentHashInput, verifyParentHashes } from "@mimi/ts-mls/parentHash.js";
export { getCommitSecret } from "@mimi/ts-mls/pathSecrets.js";
export { computePskSecret } from "@mimi/ts-mls/presharedkey.js";
export { toPrivateKeyPath } from "@mimi/ts-mls/privateKeyPath.js";
export {
  decodeAdd,
  decodeExternalInit,
  decodeGroupContextExtensions,
  decodeProposal,
  decodePSK,
  decodeReinit,
  decodeRemove,
  decodeUpdate,
  encodeAdd,
  encodeExternalInit,
  encodeGroupContextExtensions,
  encodeProposal,
  encodePSK,
  encodeReinit,
  encodeRemove,
  encodeUpdate,
} from "@mimi/ts-mls/proposal.js";
export { findSignaturePublicKey } from "@mimi/ts-mls/publicMessage.js";
export {
  addLeafNode,
  decodeRatchetTree,
  encodeRatchetTree,
  filteredDirectPath,
  findBlankLeafNodeIndexOrExtend,
  removeLeafNode,
  resolution,
  updateLeafNode,
} from "@mimi/ts-mls/ratchetTree.js";
export {
  createSecretTree,
  deriveKey,
  deriveNonce,
  ratchetUntil,
} from "@mimi/ts-mls/secretTree.js";
export { expandSenderDataKey, expandSenderDataNonce } from "@mimi/ts-mls/sender.js";
export { createConfirmedHash, createInterimHash } from "@mimi/ts-mls/transcriptHash.js";
export {
  encodeLeafNodeHashInput,
  encodeParentNodeHashInput,
  treeHash,
  treeHashRoot,
} from "@mimi/ts-mls/treeHash.js";
export {
  leafToNodeIndex,
  left,
  nodeToLeafIndex,
  nodeWidth,
  parent,
  right,
  root,
  sibling,
  toLeafIndex,
  toNodeIndex,
} from "@mimi/ts-mls/treemath.js";
export {
  applyUpdatePath,
  createUpdatePath,
  decodeUpdatePath,
  type UpdatePath,
} from "@mimi/ts-mls/updatePath.js";
export { bytesToBase64 } from "@mimi/ts-mls/util/byteArray.js";
export { decodeWelcome, decryptGroupInfo, decryptGroupSecrets, encodeWelcome } from "@mimi/ts-mls/welcome.js";
// functions only the patch adds, read after the patch check (a deep named import of a missing
// export would fail at link time with an obscure message instead of ts-mls-patch.ts's)
export {
  copyTree,
  draftVector,
  leavesLackingCapability,
  leavesLackingCredential,
  NodeVector,
  RatchetTree,
  secretTreeLeaf,
  setTreeNode,
  treeHashes,
  treeKeyLookup,
  treeWrites,
} from "./ts-mls-patch.js";
