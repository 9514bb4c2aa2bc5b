/**
 * The hub's view of an MLS group it is not a member of (RFC 9420 §12.4.3.1 "joining via external
 * commits" gives the inputs; openmls calls this a PublicGroup). The view is plain immutable data:
 * every function returns a new view and never changes its argument.
 */

import {
  type AuthenticationService,
  type CiphersuiteImpl,
  type Credential,
  type CustomProposalHandler,
  defaultAuthenticationService,
  defaultKeyPackageEqualityConfig,
  defaultLifetimeConfig,
  type Extension,
  type GroupContext,
  type GroupInfo,
  type KeyPackageEqualityConfig,
  type LifetimeConfig,
  type Proposal,
  type RatchetTree,
} from "@mimi/ts-mls";
import { ValidationError } from "@mimi/wire";
import {
  decodeRatchetTree,
  extensionTypeToNumber,
  ratchetTreeFromExtension,
  verifyGroupInfoSignature,
} from "../adapter/internals.js";
import {
  type AppDataDictionary,
  decodeAppDataDictionary,
  emptyAppDataDictionary,
} from "../extensions/app-data-dictionary.js";
import { decodeMlsMessageExactly } from "./hub-decode.js";
import { check, checkCodec, decodeAs, rejectAs } from "./hub-errors.js";
import type { TreeHashCache } from "./hub-tree-hash.js";
import { validateHubRatchetTree } from "./hub-validate-tree.js";

/** Options of a hub view. Every field has a default. */
export interface HubViewOptions {
  /**
   * Validates every credential the view meets (leaves, Add KeyPackages, external senders). Default:
   * ts-mls's, which accepts every credential; MIMI plugs in its own (identity package).
   */
  readonly authService?: AuthenticationService;
  /** Reject KeyPackages outside their lifetime when they are added (default true). */
  readonly validateLifetimes?: boolean;
  /** How two KeyPackages or a KeyPackage and a leaf are "the same client" (RFC 9420 §12.2). */
  readonly keyPackageEquality?: KeyPackageEqualityConfig;
  /**
   * Accept a commit whose only path-requiring proposal is GroupContextExtensions without an
   * UpdatePath, as ts-mls 1.6.4 clients send it (decision 0571). Default false: RFC 9420 §12.4.
   */
  readonly allowPathlessGroupContextExtensions?: boolean;
  /**
   * Non-default proposal types the view accepts without any effect on the group state, mirroring
   * ts-mls 1.6.4 members, which skip them (decision 0572). Default: none, so an unknown proposal
   * type is rejected.
   */
  readonly opaqueProposalTypes?: readonly number[];
  /**
   * Applies the non-default proposals of a commit, exactly as members configured with the same
   * ts-mls `customProposalHandler` do (decision 0501); e.g. {@link appDataProposalHandler}.
   */
  readonly customProposalHandler?: CustomProposalHandler;
  /** Non-default proposal types `customProposalHandler` applies (followed by the hub). */
  readonly customProposalTypes?: readonly number[];
  /** Non-default proposal types external senders may send (RFC 9420 §17.4 "External" column). */
  readonly externalProposalTypes?: readonly number[];
  /**
   * Non-default proposal types an external commit may carry by value (AppDataUpdate,
   * mls-extensions-10 §4.7), applied by `customProposalHandler` with the joiner's LeafNode
   * (decision 0576). Default: none (RFC 9420 §12.4.3.2).
   */
  readonly externalCommitProposalTypes?: readonly number[];
  /**
   * Non-default proposal types that do not require an UpdatePath (default: app_data_update
   * 0x0008 and app_ephemeral 0x0009, mls-extensions-10 §7); every other one does.
   */
  readonly pathlessProposalTypes?: readonly number[];
  /** Extension type of `app_data_dictionary` (draft-ietf-mls-extensions-10 §7, suggested 0x0006). */
  readonly appDataDictionaryType?: number;
  /**
   * Proposal type of SelfRemove (draft-ietf-mls-extensions-10 §6.3, suggested 0x000a) when the
   * hub follows it, as members configured with the same ts-mls `selfRemoveProposalType` do
   * (decision 0575); default: not followed (rejected like any unknown type).
   */
  readonly selfRemoveProposalType?: number;
  /** Proposal type of `app_data_update` (draft-ietf-mls-extensions-10 §7, suggested 0x0008). */
  readonly appDataUpdateType?: number;
}

/** {@link HubViewOptions} with every default filled in. */
export interface ResolvedHubViewOptions {
  readonly authService: AuthenticationService;
  readonly lifetimeConfig: LifetimeConfig;
  readonly keyPackageEquality: KeyPackageEqualityConfig;
  readonly allowPathlessGroupContextExtensions: boolean;
  readonly opaqueProposalTypes: readonly number[];
  readonly customProposalHandler: CustomProposalHandler | undefined;
  readonly customProposalTypes: readonly number[];
  readonly externalProposalTypes: readonly number[];
  readonly externalCommitProposalTypes: readonly number[];
  readonly pathlessProposalTypes: readonly number[];
  readonly appDataDictionaryType: number;
  readonly appDataUpdateType: number;
  readonly selfRemoveProposalType: number | undefined;
}

/** A proposal the hub accepted in the current epoch, waiting to be committed by reference. */
export interface HubPendingProposal {
  /** RFC 9420 §5.2 `ProposalRef = RefHash("MLS 1.0 Proposal Reference", AuthenticatedContent)`. */
  readonly ref: Uint8Array;
  readonly proposal: Proposal;
  /** The sender's leaf index for a member, undefined for external and new-member senders. */
  readonly senderLeafIndex: number | undefined;
  /** The sender type of the proposal's FramedContent. */
  readonly senderType: "member" | "external" | "new_member_proposal";
}

/** Where the group is: active, or ended by a committed ReInit (RFC 9420 §12.1.5). */
export type HubGroupStatus = "active" | "reinit";

/**
 * The hub's view of one MLS group: the public ratchet tree, the GroupContext (epoch, tree hash,
 * transcript hash, extensions), the last confirmation tag (it seeds the next interim transcript
 * hash, RFC 9420 §8.2) and the proposals received in this epoch, keyed by the hex of their
 * ProposalRef.
 */
export interface HubGroupView {
  readonly cipherSuite: CiphersuiteImpl;
  readonly groupContext: GroupContext;
  readonly ratchetTree: RatchetTree;
  readonly confirmationTag: Uint8Array;
  /** Subtree tree hashes of `ratchetTree`, by node index (a cache; see hub-tree-hash.ts). */
  readonly treeHashCache: TreeHashCache;
  readonly pendingProposals: ReadonlyMap<string, HubPendingProposal>;
  readonly status: HubGroupStatus;
  readonly options: ResolvedHubViewOptions;
}

/** One member as the hub sees it: a non-blank leaf. */
export interface HubMember {
  readonly leafIndex: number;
  readonly credential: Credential;
  readonly signaturePublicKey: Uint8Array;
}

/** Fill in the defaults of {@link HubViewOptions}. */
export function resolveHubViewOptions(options: HubViewOptions = {}): ResolvedHubViewOptions {
  return {
    authService: options.authService ?? defaultAuthenticationService,
    lifetimeConfig: {
      ...defaultLifetimeConfig,
      validateLifetimeOnReceive: options.validateLifetimes ?? true,
    },
    keyPackageEquality: options.keyPackageEquality ?? defaultKeyPackageEqualityConfig,
    allowPathlessGroupContextExtensions: options.allowPathlessGroupContextExtensions ?? false,
    opaqueProposalTypes: options.opaqueProposalTypes ?? [],
    customProposalHandler: options.customProposalHandler,
    customProposalTypes: options.customProposalTypes ?? [],
    externalProposalTypes: options.externalProposalTypes ?? [],
    externalCommitProposalTypes: options.externalCommitProposalTypes ?? [],
    pathlessProposalTypes: options.pathlessProposalTypes ?? [0x0008, 0x0009],
    appDataDictionaryType: options.appDataDictionaryType ?? 0x0006,
    appDataUpdateType: options.appDataUpdateType ?? 0x0008,
    selfRemoveProposalType: options.selfRemoveProposalType,
  };
}

/** Input of {@link bootstrapHubView}. */
export interface HubBootstrapInput {
  /** The GroupInfo: decoded, or an encoded MLSMessage with wire format `mls_group_info`. */
  readonly groupInfo: GroupInfo | Uint8Array;
  /**
   * The ratchet tree, decoded or as encoded `Node ratchet_tree<V>` (a MIMI `RatchetTreeOption`
   * full); default: the GroupInfo's `ratchet_tree` extension.
   */
  readonly ratchetTree?: RatchetTree | Uint8Array;
  /** The group's cipher suite implementation; its name must match the GroupContext's. */
  readonly cipherSuite: CiphersuiteImpl;
  readonly options?: HubViewOptions;
}

/** Decode an MLSMessage carrying a GroupInfo, strictly (no trailing bytes). */
export function decodeHubGroupInfo(bytes: Uint8Array): GroupInfo {
  const message = decodeMlsMessageExactly(bytes);
  checkCodec(
    message.wireformat === "mls_group_info",
    `expected mls_group_info, got ${message.wireformat}`,
    "MLS-HUB-01",
    "/wire_format",
  );
  return message.groupInfo;
}

/** Decode an encoded ratchet tree (`Node ratchet_tree<V>`) strictly. */
export function decodeHubRatchetTree(bytes: Uint8Array): RatchetTree {
  const decoded = decodeAs("MLS-HUB-01", "/", "ratchet tree does not decode", () =>
    decodeRatchetTree(bytes, 0),
  );
  checkCodec(decoded !== undefined, "ratchet tree does not decode", "MLS-HUB-01", "/");
  checkCodec(
    decoded[1] === bytes.length,
    `${bytes.length - decoded[1]} trailing bytes after the ratchet tree`,
    "MLS-HUB-01",
    "/",
  );
  return decoded[0];
}

/**
 * Start following a group from its GroupInfo and ratchet tree: validate the whole tree against the
 * GroupContext (leaf signatures and credentials, key uniqueness, unmerged leaves, parent hashes, the
 * tree hash) and verify the GroupInfo signature by its signer's leaf.
 *
 * @throws CodecError when the GroupInfo or tree bytes do not decode (MLS-HUB-01).
 * @throws ValidationError when the tree or the signature does not verify (MLS-HUB-15).
 */
export async function bootstrapHubView(input: HubBootstrapInput): Promise<HubGroupView> {
  const options = resolveHubViewOptions(input.options);
  const cs = input.cipherSuite;
  const gi = input.groupInfo instanceof Uint8Array ? decodeHubGroupInfo(input.groupInfo) : input.groupInfo;
  const gc = gi.groupContext;
  checkCodec(
    gc.cipherSuite === cs.name,
    `the group uses ${gc.cipherSuite}, the view was given ${cs.name}`,
    "MLS-HUB-15",
    "/group_context/cipher_suite",
  );
  const tree =
    input.ratchetTree instanceof Uint8Array
      ? decodeHubRatchetTree(input.ratchetTree)
      : (input.ratchetTree ??
        decodeAs("MLS-HUB-01", "/extensions/ratchet_tree", "ratchet_tree extension does not decode", () =>
          ratchetTreeFromExtension(gi),
        ));
  if (tree === undefined) {
    throw new ValidationError("no ratchet tree: none given and no ratchet_tree extension", {
      rule: "MLS-HUB-15",
      path: "/extensions",
    });
  }
  // [MLS-HUB-15] RFC 9420 §12.4.3.1: a joiner from a GroupInfo MUST verify the GroupInfo signature and validate the ratchet tree (§7.9.2, §7.8, §7.3) against the GroupContext's tree_hash
  const treeHashCache = await validateHubRatchetTree(
    tree,
    gc,
    options.lifetimeConfig,
    options.authService,
    cs,
  );
  const signer = tree.get(2 * gi.signer);
  check(
    signer?.nodeType === "leaf",
    `GroupInfo signer ${gi.signer} is not a member`,
    "MLS-HUB-15",
    "/signer",
  );
  const signed = await rejectAs("MLS-HUB-15", "/signature", "GroupInfo signature check failed", () =>
    verifyGroupInfoSignature(gi, signer.leaf.signaturePublicKey, cs.signature),
  );
  check(signed, "GroupInfo signature does not verify", "MLS-HUB-15", "/signature");
  return {
    cipherSuite: cs,
    groupContext: gc,
    ratchetTree: tree,
    confirmationTag: gi.confirmationTag,
    treeHashCache,
    pendingProposals: new Map(),
    status: "active",
    options,
  };
}

/** The members: every non-blank leaf, by leaf index. */
export function hubGroupMembers(view: HubGroupView): readonly HubMember[] {
  const members: HubMember[] = [];
  for (let i = 0; i < view.ratchetTree.length; i += 2) {
    const node = view.ratchetTree.get(i);
    if (node?.nodeType === "leaf") {
      members.push({
        leafIndex: i / 2,
        credential: node.leaf.credential,
        signaturePublicKey: node.leaf.signaturePublicKey,
      });
    }
  }
  return members;
}

/**
 * The group's `app_data_dictionary` (draft-ietf-mls-extensions-10 §4.6), decoded; empty when the
 * GroupContext has none.
 *
 * @throws CodecError or ValidationError (MLS-EXT-01) when the extension is malformed.
 */
export function hubAppDataDictionary(view: HubGroupView): AppDataDictionary {
  const bytes = hubAppDataDictionaryBytes(view);
  return bytes === undefined ? emptyAppDataDictionary : decodeAppDataDictionary(bytes);
}

/** The GroupContext extension of `type` (a number or a default name), if present. */
export function findGroupContextExtension(view: HubGroupView, type: number): Extension | undefined {
  return view.groupContext.extensions.find((e) => extensionTypeToNumber(e.extensionType) === type);
}

/**
 * The `app_data_dictionary` GroupContext extension's data (draft-ietf-mls-extensions-10 §4.6), or
 * undefined when the group has none.
 */
export function hubAppDataDictionaryBytes(view: HubGroupView): Uint8Array | undefined {
  return findGroupContextExtension(view, view.options.appDataDictionaryType)?.extensionData;
}
