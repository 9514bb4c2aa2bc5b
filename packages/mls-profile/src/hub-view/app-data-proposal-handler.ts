/**
 * Hub-view options that apply AppDataUpdate as members do: the same ts-mls `customProposalHandler`
 * ({@link appDataProposalHandler}, decision 0577) runs in both.
 */
import {
  type AppDataProposalHandlerOptions,
  appDataProposalHandler,
} from "../extensions/app-data-proposal-handler.js";
import type { ComponentHandlers } from "../extensions/apply-app-data-updates.js";
import { defaultCodePoints } from "../extensions/code-points.js";
import type { HubViewOptions } from "./hub-group-view.js";

/**
 * Hub-view options that follow AppDataUpdate as members running {@link appDataProposalHandler}
 * with the same `handlers` and `options` do. AppDataUpdate may come from external senders
 * (mls-extensions-10 §7 "External" Y) and ride in external commits when `options.externalCommit`
 * allows (e.g. `mimiExternalJoinPolicy`). SelfRemove (§6.3) is followed as members configured with
 * `selfRemoveProposalType` apply it.
 */
export function appDataHubViewOptions(
  handlers: ComponentHandlers,
  options: AppDataProposalHandlerOptions = {},
): HubViewOptions {
  const codePoints = options.codePoints ?? defaultCodePoints;
  const types = [codePoints.proposalTypes.app_data_update];
  return {
    customProposalHandler: appDataProposalHandler(handlers, options),
    customProposalTypes: types,
    externalProposalTypes: types,
    externalCommitProposalTypes: options.externalCommit === undefined ? [] : types,
    pathlessProposalTypes: types,
    appDataDictionaryType: codePoints.extensionTypes.app_data_dictionary,
    appDataUpdateType: codePoints.proposalTypes.app_data_update,
    selfRemoveProposalType: codePoints.proposalTypes.self_remove,
  };
}
