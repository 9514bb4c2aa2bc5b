/**
 * Checks a MIMI client makes on the full proposal list of a commit, beyond ts-mls's own
 * (draft-ietf-mls-extensions-10 §4.7).
 */
import { bytesEqual, ValidationError } from "@mimi/wire";
import { decodeRequiredCapabilities } from "../adapter/codec.js";
import type { Extension, Proposal } from "../adapter/types.js";
import { findAppDataDictionaryExtension } from "../extensions/app-data-dictionary-extension.js";
import type { CodePoints } from "../extensions/code-points.js";

function dictionaryBytes(extensions: readonly Extension[], codePoints: CodePoints): Uint8Array | undefined {
  return findAppDataDictionaryExtension(extensions, codePoints)?.extensionData;
}

/**
 * Check the proposals a commit covers against the GroupContext `current` extensions of its epoch.
 *
 * @throws ValidationError (`MLS-EXT-12`) when `app_data_update` is a required proposal type and a
 * GroupContextExtensions proposal adds, removes or changes `app_data_dictionary`; CodecError when
 * `required_capabilities` is malformed.
 */
export function checkCommitProposals(
  current: readonly Extension[],
  proposals: readonly Proposal[],
  codePoints: CodePoints,
): void {
  const rc = current.find((e) => e.extensionType === "required_capabilities" || e.extensionType === 3);
  if (rc === undefined) return;
  const required = decodeRequiredCapabilities(rc.extensionData, "/extensions/required_capabilities");
  if (!required.proposalTypes.includes(codePoints.proposalTypes.app_data_update)) return;
  const before = dictionaryBytes(current, codePoints);
  proposals.forEach((p, i) => {
    if (p.proposalType !== "group_context_extensions") return;
    const after = dictionaryBytes(p.groupContextExtensions.extensions, codePoints);
    const same = before === undefined || after === undefined ? before === after : bytesEqual(before, after);
    // [MLS-EXT-12] draft-ietf-mls-extensions-10 §4.7: when app_data_update is a required
    // proposal type, a GroupContextExtensions proposal MUST NOT add, remove or modify the
    // app_data_dictionary extension.
    if (!same) {
      throw new ValidationError("GroupContextExtensions proposal changes app_data_dictionary", {
        path: `/proposals/${i}/extensions`,
        rule: "MLS-EXT-12",
      });
    }
  });
}
