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
} from "ts-mls/authenticatedContent.js";
export { decodeCapabilities, encodeCapabilities } from "ts-mls/capabilities.js";
export { defaultClientConfig } from "ts-mls/clientConfig.js";
export {
  type ApplyProposalsResult,
  applyProposals,
  type ClientState,
  nextEpochContext,
  validateLeafNodeUpdateOrCommit,
  validateRatchetTree,
} from "ts-mls/clientState.js";
export type { Decoder } from "ts-mls/codec/tlsDecoder.js";
export { decodeVarLenData } from "ts-mls/codec/variableLength.js";
export { type Commit, decodeCommit, encodeCommit } from "ts-mls/commit.js";
export { applyUpdatePathSecret } from "ts-mls/createCommit.js";
export { decodeCredential, encodeCredential } from "ts-mls/credential.js";
export { refhash } from "ts-mls/crypto/hash.js";
export { decryptWithLabel, encryptWithLabel, type Hpke } from "ts-mls/crypto/hpke.js";
export { deriveSecret, deriveTreeSecret, expandWithLabel } from "ts-mls/crypto/kdf.js";
export { type Signature, signWithLabel, verifyWithLabel } from "ts-mls/crypto/signature.js";
export { decodeExtension, encodeExtension, extensionTypeToNumber } from "ts-mls/extension.js";
export {
  createContentCommitSignature,
  type FramedContentCommit,
  verifyFramedContentSignature,
} from "ts-mls/framedContent.js";
export { decodeGroupContext, encodeGroupContext } from "ts-mls/groupContext.js";
export {
  decodeGroupInfo,
  encodeGroupInfo,
  ratchetTreeFromExtension,
  verifyGroupInfoConfirmationTag,
  verifyGroupInfoSignature,
} from "ts-mls/groupInfo.js";
export { decodeGroupSecrets, encodeGroupSecrets } from "ts-mls/groupSecrets.js";
export { decodeHpkeCiphertext, encodeHpkeCiphertext } from "ts-mls/hpkeCiphertext.js";
export {
  decodeKeyPackage,
  encodeKeyPackage,
  makeKeyPackageRef,
  verifyKeyPackage,
} from "ts-mls/keyPackage.js";
export { defaultKeyRetentionConfig } from "ts-mls/keyRetentionConfig.js";
export { initializeEpoch, mlsExporter } from "ts-mls/keySchedule.js";
export { verifyLeafNodeSignature } from "ts-mls/leafNode.js";
export { decodeMlsMessage } from "ts-mls/message.js";
export {
  protectApplicationData,
  protectProposal,
  unprotectPrivateMessage,
} from "ts-mls/messageProtection.js";
export {
  protectProposalPublic,
  protectPublicMessage,
  unprotectPublicMessage,
} from "ts-mls/messageProtectionPublic.js";
export * as mlsErrors from "ts-mls/mlsError.js";
export { defaultPaddingConfig } from "ts-mls/paddingConfig.js";
export { encodeParentHashInput, verifyParentHashes } from "ts-mls/parentHash.js";
export { getCommitSecret } from "ts-mls/pathSecrets.js";
export { computePskSecret } from "ts-mls/presharedkey.js";
export { toPrivateKeyPath } from "ts-mls/privateKeyPath.js";
export { decryptSenderData } from "ts-mls/privateMessage.js";
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
} from "ts-mls/proposal.js";
export { findSignaturePublicKey } from "ts-mls/publicMessage.js";
export {
  addLeafNode,
  decodeRatchetTree,
  encodeRatchetTree,
  filteredDirectPath,
  findBlankLeafNodeIndexOrExtend,
  removeLeafNode,
  resolution,
  updateLeafNode,
} from "ts-mls/ratchetTree.js";
export { createSecretTree, deriveKey, deriveNonce, ratchetUntil } from "ts-mls/secretTree.js";
export { expandSenderDataKey, expandSenderDataNonce } from "ts-mls/sender.js";
export { createConfirmedHash, createInterimHash } from "ts-mls/transcriptHash.js";
export {
  encodeLeafNodeHashInput,
  encodeParentNodeHashInput,
  treeHash,
  treeHashRoot,
} from "ts-mls/treeHash.js";
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
} from "ts-mls/treemath.js";
export {
  applyUpdatePath,
  createUpdatePath,
  decodeUpdatePath,
  type UpdatePath,
} from "ts-mls/updatePath.js";
export { bytesToBase64 } from "ts-mls/util/byteArray.js";
export { decodeWelcome, decryptGroupInfo, decryptGroupSecrets, encodeWelcome } from "ts-mls/welcome.js";
