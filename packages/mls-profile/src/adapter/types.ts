/**
 * The ts-mls data types the rest of the project uses, re-exported from one place (RFC 9420
 * structures in ts-mls's representation: camelCase fields, names for enumerations).
 */
export type {
  AuthenticationService,
  Capabilities,
  ClientConfig,
  Commit,
  Credential,
  CustomProposalContext,
  CustomProposalHandler,
  CustomProposalOutcome,
  Extension,
  ExternalSender,
  FramedContent,
  GroupContext,
  GroupInfo,
  HPKECiphertext,
  IncomingMessageCallback,
  KeyPackage,
  LeafNode,
  Lifetime,
  MLSMessage,
  PrivateKeyPackage,
  PrivateMessage,
  Proposal,
  ProposalCustom,
  ProposalWithSender,
  PskIndex,
  PublicMessage,
  RatchetTree,
  Sender,
  UpdatePath,
  Welcome,
} from "ts-mls";
export { defaultCapabilities, defaultLifetime, emptyPskIndex, makePskIndex } from "ts-mls";
/** A ts-mls strict-decoder function over a byte array and offset. */
export type { Decoder } from "ts-mls/codec/tlsDecoder.js";
/** A cipher suite's signature scheme in ts-mls. */
export type { Signature } from "ts-mls/crypto/signature.js";
