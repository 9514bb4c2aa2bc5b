/**
 * A client's MIMI profile of MLS: cipher suite, ts-mls configuration with the AppDataUpdate
 * logic of MIMI's components, code points, and how credentials map to users.
 */
import { encodeTls } from "@mimi/wire";
import type { MlsCiphersuite } from "../adapter/ciphersuite.js";
import { type ClientConfigOptions, makeClientConfig } from "../adapter/group.js";
import {
  type AuthenticationService,
  type Capabilities,
  type ClientConfig,
  type Credential,
  type CustomProposalHandler,
  defaultCapabilities,
  type Extension,
  type ExternalSender,
} from "../adapter/types.js";
import type { ParticipantListOptions } from "../components/apply-participant-list-update.js";
import { type ExternalJoinPolicyOptions, mimiExternalJoinPolicy } from "../components/external-join.js";
import { mimiComponentHandlers } from "../components/handlers.js";
import { appDataProposalHandler } from "../extensions/app-data-proposal-handler.js";
import { type CodePoints, defaultCodePoints } from "../extensions/code-points.js";

/** Everything the client facade needs to know besides the group state. */
export interface MimiProfile {
  readonly cs: MlsCiphersuite;
  /** ts-mls configuration whose `customProposalHandler` runs MIMI's component logic. */
  readonly config: ClientConfig;
  readonly codePoints: CodePoints;
  /** The hub, which every room's `external_senders` must contain (protocol-06 §7.4). */
  readonly hub: ExternalSender;
  /** The user (its URI bytes, as in the participant list) a client credential belongs to. */
  readonly userOf: (credential: Credential) => Uint8Array;
  /**
   * The salt of a MIMI content (draft-ietf-mimi-content: the first element), to recompute the
   * franking tag of received messages; absent: tags are not recomputed.
   */
  readonly saltOf?: (content: Uint8Array) => Uint8Array;
}

/** Options of {@link mimiProfile}. */
export interface MimiProfileOptions {
  readonly cs: MlsCiphersuite;
  readonly authService: AuthenticationService;
  readonly hub: ExternalSender;
  readonly userOf: (credential: Credential) => Uint8Array;
  readonly saltOf?: (content: Uint8Array) => Uint8Array;
  readonly codePoints?: CodePoints;
  /** Room policy for participant-list changes (see {@link ParticipantListOptions}). */
  readonly participantList?: ParticipantListOptions;
  /** Room policy for a new user joining by external commit (see {@link ExternalJoinPolicyOptions}). */
  readonly authorizeExternalJoin?: ExternalJoinPolicyOptions["authorize"];
  readonly lifetimeConfig?: ClientConfigOptions["lifetimeConfig"];
}

/** A client profile: ts-mls configured with MIMI's components. */
export function mimiProfile(options: MimiProfileOptions): MimiProfile {
  const codePoints = options.codePoints ?? defaultCodePoints;
  const config = makeClientConfig({
    authService: options.authService,
    customProposalHandler: mimiProposalHandler(codePoints, options.participantList, {
      userOf: options.userOf,
      ...(options.authorizeExternalJoin === undefined ? {} : { authorize: options.authorizeExternalJoin }),
    }),
    selfRemoveProposalType: codePoints.proposalTypes.self_remove,
    ...(options.lifetimeConfig === undefined ? {} : { lifetimeConfig: options.lifetimeConfig }),
  });
  return {
    cs: options.cs,
    config,
    codePoints,
    hub: options.hub,
    userOf: options.userOf,
    ...(options.saltOf === undefined ? {} : { saltOf: options.saltOf }),
  };
}

/**
 * The ts-mls `customProposalHandler` of a MIMI client: {@link appDataProposalHandler} with MIMI's
 * component logic (draft-ietf-mls-extensions-10 §4.7; protocol-06 §7.5–§7.6) and, when `userOf`
 * is given, MIMI's external-join policy (a joiner may append only its own user,
 * {@link mimiExternalJoinPolicy}); the hub view runs the same function (decision 0577).
 *
 * @throws CodecError for a malformed AppDataUpdate; ValidationError for an invalid one, a proposal
 * type MIMI does not use, or an external commit's list change the policy refuses.
 */
export function mimiProposalHandler(
  codePoints: CodePoints = defaultCodePoints,
  participantList: ParticipantListOptions = {},
  externalJoin?: Omit<ExternalJoinPolicyOptions, "codePoints">,
): CustomProposalHandler {
  return appDataProposalHandler(mimiComponentHandlers(participantList, codePoints), {
    codePoints,
    ...(externalJoin === undefined
      ? {}
      : { externalCommit: mimiExternalJoinPolicy({ ...externalJoin, codePoints }) }),
  });
}

/**
 * Capabilities a MIMI client advertises in its KeyPackages: ts-mls's defaults plus the
 * `app_data_dictionary` extension and the `app_data_update` and `self_remove` proposals.
 */
export function mimiCapabilities(codePoints: CodePoints = defaultCodePoints): Capabilities {
  const d = defaultCapabilities();
  return {
    ...d,
    extensions: [...d.extensions, codePoints.extensionTypes.app_data_dictionary],
    proposals: [
      ...d.proposals,
      codePoints.proposalTypes.app_data_update,
      codePoints.proposalTypes.self_remove,
    ],
  };
}

/**
 * RFC 9420 §11.1 `required_capabilities` for a MIMI room: every member must support
 * `app_data_dictionary` and `external_senders`, and the `app_data_update` and `self_remove`
 * proposals (so any member may leave by SelfRemove).
 *
 * ```tls
 * struct {
 *     ExtensionType extension_types<V>;
 *     ProposalType proposal_types<V>;
 *     CredentialType credential_types<V>;
 * } RequiredCapabilities;
 * ```
 */
export function mimiRequiredCapabilities(codePoints: CodePoints = defaultCodePoints): Extension {
  const extensionData = encodeTls((w) => {
    w.vector([codePoints.extensionTypes.app_data_dictionary], (iw, t) => iw.uint16(t));
    w.vector([codePoints.proposalTypes.app_data_update, codePoints.proposalTypes.self_remove], (iw, t) =>
      iw.uint16(t),
    );
    w.vector([] as number[], (iw, t) => iw.uint16(t));
  });
  return { extensionType: "required_capabilities", extensionData };
}
