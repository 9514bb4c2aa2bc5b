/**
 * The ts-mls data types the rest of the project uses, re-exported from one place (RFC 9420
 * structures in ts-mls's representation: camelCase fields, names for enumerations).
 */
export type {
  AuthenticationService,
  Capabilities,
  CiphersuiteImpl,
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
  RequiredCapabilities,
  Sender,
  UpdatePath,
  Welcome,
} from "@mimi/ts-mls";
export { defaultCapabilities, defaultLifetime, emptyPskIndex, makePskIndex } from "@mimi/ts-mls";
/** A ts-mls decoder over a byte array and offset, and a cipher suite's signature scheme (both from ts-mls internals). */
export type { Decoder, Signature } from "./internals.js";
export { RatchetTree } from "./ts-mls-patch.js";
