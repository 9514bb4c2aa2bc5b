/**
 * Checks a MIMI client makes on the full proposal list of a commit, beyond ts-mls's own
 * (draft-ietf-mls-extensions-10 §4.7).
 */
import { bytesEqual, decodeTls, ValidationError } from "@mimi/wire";
import type { Extension, Proposal } from "../adapter/types.js";
import { findAppDataDictionaryExtension } from "../extensions/app-data-dictionary-extension.js";
import type { CodePoints } from "../extensions/code-points.js";

/**
 * RFC 9420 §11.1 `RequiredCapabilities`, as lists of numbers.
 *
 * ```tls
 * struct {
 *     ExtensionType extension_types<V>;
 *     ProposalType proposal_types<V>;
 *     CredentialType credential_types<V>;
 * } RequiredCapabilities;
 * ```
 */
export interface RequiredCapabilities {
  readonly extension_types: readonly number[];
  readonly proposal_types: readonly number[];
  readonly credential_types: readonly number[];
}

/** Decode a `RequiredCapabilities`. @throws CodecError on malformed input. */
export function decodeRequiredCapabilities(bytes: Uint8Array): RequiredCapabilities {
  return decodeTls(bytes, (r) => {
    const u16s = (): number[] => r.vector((x) => x.uint16());
    const extension_types = r.field("extension_types", u16s);
    const proposal_types = r.field("proposal_types", u16s);
    const credential_types = r.field("credential_types", u16s);
    return { extension_types, proposal_types, credential_types };
  });
}

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
  const required = decodeRequiredCapabilities(rc.extensionData);
  if (!required.proposal_types.includes(codePoints.proposalTypes.app_data_update)) return;
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
