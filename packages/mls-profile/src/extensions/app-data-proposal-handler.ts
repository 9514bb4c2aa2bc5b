/**
 * The one AppDataUpdate policy of the project, as a ts-mls `customProposalHandler` (decision 0501):
 * members (their `ClientConfig`) and the hub view (its options) run exactly this function on every
 * commit with non-default proposals, so the `app_data_dictionary` evolves identically everywhere
 * (draft-ietf-mls-extensions-10 §4.7; decision 0577).
 */

import type { CustomProposalHandler, LeafNode } from "@mimi/ts-mls";
import { ValidationError } from "@mimi/wire";
import { type AppDataDictionary, emptyAppDataDictionary } from "./app-data-dictionary.js";
import { appDataDictionaryOf, withAppDataDictionary } from "./app-data-dictionary-extension.js";
import { type AppDataUpdate, decodeAppDataUpdate } from "./app-data-update.js";
import { applyAppDataUpdates, type ComponentHandlers } from "./apply-app-data-updates.js";
import { type CodePoints, defaultCodePoints } from "./code-points.js";

/**
 * Checks the AppDataUpdates of an external commit (RFC 9420 §12.4.3.2; mls-extensions-10 §4.7
 * allows them there): `before` and `after` are the dictionaries around the commit's updates,
 * `joiner` the joining client's LeafNode. Throw to reject the commit.
 */
export type ExternalCommitAppDataPolicy = (
  before: AppDataDictionary,
  after: AppDataDictionary,
  joiner: LeafNode,
) => void;

/** Options of {@link appDataProposalHandler}. */
export interface AppDataProposalHandlerOptions {
  readonly codePoints?: CodePoints;
  /**
   * Policy for AppDataUpdates in external commits. Absent: an external commit may not carry any
   * (`MLS-XJOIN-01`).
   */
  readonly externalCommit?: ExternalCommitAppDataPolicy;
}

/**
 * A ts-mls `customProposalHandler` applying a commit's AppDataUpdate proposals, in commit order,
 * to the provisional `app_data_dictionary` with the component logic `handlers` (e.g.
 * `mimiComponentHandlers()`). Every other non-default proposal type is invalid (SelfRemove never
 * reaches the handler: the project's ts-mls patch processes it).
 *
 * @throws ValidationError or CodecError (rejecting the commit) for another proposal type
 *   (`MLS-EXT-13`), an AppDataUpdate that does not decode or is invalid (`MLS-EXT-02`…`06`), or an
 *   external commit's updates its policy refuses (`MLS-XJOIN-01`).
 */
export function appDataProposalHandler(
  handlers: ComponentHandlers,
  options: AppDataProposalHandlerOptions = {},
): CustomProposalHandler {
  const codePoints = options.codePoints ?? defaultCodePoints;
  return (context) => {
    const updates: AppDataUpdate[] = context.proposals.map(({ proposal }, i) => {
      // [MLS-EXT-13] draft-ietf-mls-extensions-10 §4.7: MIMI defines no non-default proposal besides AppDataUpdate (and SelfRemove, processed by ts-mls); any other type makes the commit invalid
      if (proposal.proposalType !== codePoints.proposalTypes.app_data_update) {
        throw new ValidationError(`proposal type ${proposal.proposalType} is not used by MIMI`, {
          path: `/proposals/${i}/proposal_type`,
          rule: "MLS-EXT-13",
        });
      }
      return decodeAppDataUpdate(proposal.proposalData);
    });
    const before = appDataDictionaryOf(context.extensions, codePoints) ?? emptyAppDataDictionary;
    const after = applyAppDataUpdates(before, updates, handlers);
    if (context.committerLeafIndex === undefined) {
      // [MLS-XJOIN-01] draft-ietf-mimi-protocol-06 §7.5 (decision 0576): an external commit's AppDataUpdates are only those its policy allows: by default none; in a MIMI room, the joiner appending its own user to the participant list
      if (options.externalCommit === undefined || context.newMemberLeafNode === undefined) {
        throw new ValidationError("AppDataUpdate in an external commit", {
          path: "/proposals",
          rule: "MLS-XJOIN-01",
        });
      }
      options.externalCommit(before, after, context.newMemberLeafNode);
    }
    return { extensions: withAppDataDictionary(context.extensions, after, codePoints) };
  };
}
