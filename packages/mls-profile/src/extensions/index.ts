/**
 * The pieces of draft-ietf-mls-extensions-10 (the Safe Application Interface and companions)
 * MIMI uses.
 *
 * @packageDocumentation
 */
export {
  type AppDataDictionary,
  appDataDictionaryCodec,
  checkAppDataDictionary,
  decodeAppDataDictionary,
  emptyAppDataDictionary,
  encodeAppDataDictionary,
  getComponentData,
  removeComponentData,
  setComponentData,
} from "./app-data-dictionary.js";
export {
  appDataDictionaryOf,
  extensionTypeNumber,
  findAppDataDictionaryExtension,
  withAppDataDictionary,
} from "./app-data-dictionary-extension.js";
export {
  type AppDataProposalHandlerOptions,
  appDataProposalHandler,
  type ExternalCommitAppDataPolicy,
} from "./app-data-proposal-handler.js";
export {
  type AppDataUpdate,
  appDataUpdateCodec,
  appDataUpdateOperations,
  decodeAppDataUpdate,
  encodeAppDataUpdate,
} from "./app-data-update.js";
export { type AppEphemeral, decodeAppEphemeral, encodeAppEphemeral } from "./app-ephemeral.js";
export {
  type ApplicationFraming,
  decodeApplicationFraming,
  encodeApplicationFraming,
  resolveFramedMediaType,
} from "./application-framing.js";
export {
  applyAppDataUpdates,
  type ComponentHandlers,
  type ComponentUpdateHandler,
} from "./apply-app-data-updates.js";
export { type CodePoints, type ComponentName, defaultCodePoints } from "./code-points.js";
export {
  type ComponentData,
  componentDataCodec,
  decodeComponentData,
  encodeComponentData,
} from "./component-data.js";
export {
  type ComponentID,
  componentIdCodec,
  isGreaseComponentId,
  isPrivateUseComponentId,
} from "./component-id.js";
export {
  type ComponentOperationLabel,
  componentBaseLabel,
  componentOperationLabel,
  decodeComponentOperationLabel,
  encodeComponentOperationLabel,
} from "./component-operation-label.js";
export {
  type ComponentsList,
  decodeComponentsList,
  encodeComponentsList,
  missingComponents,
} from "./components-list.js";
export { isLastResort, markLastResort } from "./last-resort-key-package.js";
export {
  checkMediaType,
  checkMediaTypeList,
  decodeMediaType,
  decodeMediaTypeList,
  encodeMediaType,
  encodeMediaTypeList,
  formatMediaType,
  type MediaType,
  type MediaTypeList,
  type Parameter,
  parseMediaType,
  readMediaType,
  writeMediaType,
} from "./media-type.js";
export {
  checkSafeAAD,
  decodeSafeAAD,
  encodeSafeAAD,
  getSafeAADItem,
  type SafeAAD,
  type SafeAADItem,
} from "./safe-aad.js";
export { decodeSelfRemove, encodeSelfRemove, type SelfRemove } from "./self-remove.js";
export { decodeWireFormats, encodeWireFormats, type WireFormats, wireFormats } from "./wire-formats.js";
