/**
 * AppDataUpdate processing as a ts-mls `customProposalHandler` (decision 0501), so that members
 * (their `ClientConfig`) and the hub view (its options) apply exactly the same function to a commit:
 * RFC 9420 proposals first, then AppEphemeral (no state), then AppDataUpdate on the
 * `app_data_dictionary` (draft-ietf-mls-extensions-10 §4.7, §4.8).
 */
import { ValidationError } from "@mimi/wire";
import type { CustomProposalHandler, Extension } from "ts-mls";
import { decodeRequiredCapabilities } from "ts-mls";
import { emptyAppDataDictionary } from "../extensions/app-data-dictionary.js";
import {
  appDataDictionaryOf,
  findAppDataDictionaryExtension,
  withAppDataDictionary,
} from "../extensions/app-data-dictionary-extension.js";
import { type AppDataUpdate, decodeAppDataUpdate } from "../extensions/app-data-update.js";
import { applyAppDataUpdates, type ComponentHandlers } from "../extensions/apply-app-data-updates.js";
import { type CodePoints, defaultCodePoints } from "../extensions/code-points.js";
import { equalBytes } from "./hub-bytes.js";
import type { HubViewOptions } from "./hub-group-view.js";

function requiresAppDataUpdate(extensions: readonly Extension[], codePoints: CodePoints): boolean {
  const ext = extensions.find((e) => e.extensionType === "required_capabilities");
  if (ext === undefined) return false;
  const decoded = decodeRequiredCapabilities(ext.extensionData, 0);
  return decoded?.[0].proposalTypes.includes(codePoints.proposalTypes.app_data_update) ?? false;
}

/**
 * A ts-mls `customProposalHandler` applying a commit's AppDataUpdate proposals to the
 * `app_data_dictionary` with the component logic `handlers` (e.g. `mimiComponentHandlers()`);
 * AppEphemeral proposals are accepted and change nothing. Other non-default types are left alone.
 *
 * @throws ValidationError or CodecError (from the handler, which rejects the commit) when an
 *   AppDataUpdate does not decode or is invalid (MLS-EXT-02…06), or when a GroupContextExtensions
 *   proposal touches the dictionary although app_data_update is a required proposal type (MLS-HUB-21).
 */
export function appDataProposalHandler(
  handlers: ComponentHandlers,
  codePoints: CodePoints = defaultCodePoints,
): CustomProposalHandler {
  return (context) => {
    if (
      context.groupContextExtensionsProposed &&
      requiresAppDataUpdate(context.groupContext.extensions, codePoints)
    ) {
      const before = findAppDataDictionaryExtension(
        context.groupContext.extensions,
        codePoints,
      )?.extensionData;
      const after = findAppDataDictionaryExtension(context.extensions, codePoints)?.extensionData;
      const same = before === undefined || after === undefined ? before === after : equalBytes(before, after);
      // [MLS-HUB-21] (members see this only when the commit also has non-default proposals; the hub view checks every commit)
      if (!same) {
        throw new ValidationError("GroupContextExtensions changes app_data_dictionary", {
          rule: "MLS-HUB-21",
          path: "/commit/proposals",
        });
      }
    }
    const updates: AppDataUpdate[] = context.proposals
      .filter((p) => p.proposal.proposalType === codePoints.proposalTypes.app_data_update)
      .map((p) => decodeAppDataUpdate(p.proposal.proposalData));
    if (updates.length === 0) return undefined;
    const dict = appDataDictionaryOf(context.extensions, codePoints) ?? emptyAppDataDictionary;
    const next = applyAppDataUpdates(dict, updates, handlers);
    return { extensions: withAppDataDictionary(context.extensions, next, codePoints) };
  };
}

/**
 * Hub-view options that follow AppDataUpdate and AppEphemeral as members running
 * {@link appDataProposalHandler} with the same `handlers` do; both may come from external senders
 * (mls-extensions-10 §7 "External" Y). SelfRemove (§6.3) is followed as members configured with
 * `selfRemoveProposalType` apply it.
 */
export function appDataHubViewOptions(
  handlers: ComponentHandlers,
  codePoints: CodePoints = defaultCodePoints,
): HubViewOptions {
  const types = [codePoints.proposalTypes.app_data_update, codePoints.proposalTypes.app_ephemeral];
  return {
    customProposalHandler: appDataProposalHandler(handlers, codePoints),
    customProposalTypes: types,
    externalProposalTypes: types,
    pathlessProposalTypes: types,
    appDataDictionaryType: codePoints.extensionTypes.app_data_dictionary,
    appDataUpdateType: codePoints.proposalTypes.app_data_update,
    selfRemoveProposalType: codePoints.proposalTypes.self_remove,
  };
}
