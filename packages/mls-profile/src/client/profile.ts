/**
 * A client's MIMI profile of MLS: cipher suite, ts-mls configuration with the AppDataUpdate
 * logic of MIMI's components, code points, and how credentials map to users.
 */
import { encodeTls, ValidationError } from "@mimi/wire";
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
import { mimiComponentHandlers } from "../components/handlers.js";
import { emptyAppDataDictionary } from "../extensions/app-data-dictionary.js";
import { appDataDictionaryOf, withAppDataDictionary } from "../extensions/app-data-dictionary-extension.js";
import { type AppDataUpdate, decodeAppDataUpdate } from "../extensions/app-data-update.js";
import { applyAppDataUpdates } from "../extensions/apply-app-data-updates.js";
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
  readonly lifetimeConfig?: ClientConfigOptions["lifetimeConfig"];
}

/** A client profile: ts-mls configured with MIMI's components. */
export function mimiProfile(options: MimiProfileOptions): MimiProfile {
  const codePoints = options.codePoints ?? defaultCodePoints;
  const config = makeClientConfig({
    authService: options.authService,
    customProposalHandler: mimiProposalHandler(codePoints, options.participantList),
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
 * The ts-mls `customProposalHandler` of a MIMI client: decodes every AppDataUpdate of the commit
 * and applies them, in commit order, to the provisional `app_data_dictionary` with MIMI's
 * component logic (draft-ietf-mls-extensions-10 §4.7; protocol-06 §7.5–§7.6).
 *
 * @throws CodecError for a malformed AppDataUpdate; ValidationError for an invalid one or a
 * proposal type MIMI does not use (the commit is then rejected).
 */
export function mimiProposalHandler(
  codePoints: CodePoints = defaultCodePoints,
  participantList: ParticipantListOptions = {},
): CustomProposalHandler {
  const handlers = mimiComponentHandlers(participantList, codePoints);
  return (context) => {
    const updates: AppDataUpdate[] = context.proposals.map(({ proposal }, i) => {
      if (proposal.proposalType !== codePoints.proposalTypes.app_data_update) {
        throw new ValidationError(`proposal type ${proposal.proposalType} is not used by MIMI`, {
          path: `/proposals/${i}/proposal_type`,
        });
      }
      return decodeAppDataUpdate(proposal.proposalData);
    });
    const dict = appDataDictionaryOf(context.extensions, codePoints) ?? emptyAppDataDictionary;
    const next = applyAppDataUpdates(dict, updates, handlers);
    return { extensions: withAppDataDictionary(context.extensions, next, codePoints) };
  };
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
