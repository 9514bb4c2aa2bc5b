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
