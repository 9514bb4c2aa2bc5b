/**
 * Link preview policy (draft-ietf-mimi-room-policy-03 §6.3).
 */

import type { Uri } from "@mimi/mls-profile";
import { type Codec, decodeWith, encodeWith, fields, select, vector } from "@mimi/wire";
import { closedEnum, type Optionality, optionality, optionalitySchema, uriSchema } from "./common.js";

/**
 * ```tls
 * struct {
 *   Optionality autodetect_hyperlinks_in_text;
 *   Optionality send_link_previews;
 *   Optionality automatic_link_previews;
 *   Optionality link_preview_proxy_use;
 *   select (link_preview_proxy_use) {
 *     case mandatory:
 *       Uri link_preview_proxy<V>;
 *     case optional:
 *       Uri link_preview_proxy<V>;
 *     case forbidden:
 *       struct {};
 *   }
 * } LinkPreviewPolicy;
 * ```
 *
 * `case mandatory` is `required(1)` (DI-POLICY-03). `link_preview_proxy` is present exactly when
 * `link_preview_proxy_use` is not `forbidden`.
 */
export interface LinkPreviewPolicy {
  readonly autodetect_hyperlinks_in_text: Optionality;
  readonly send_link_previews: Optionality;
  readonly automatic_link_previews: Optionality;
  readonly link_preview_proxy_use: Optionality;
  readonly link_preview_proxy?: readonly Uri[];
}

const proxy = fields([["link_preview_proxy", vector(uriSchema)]]);

/** TLS shape of {@link LinkPreviewPolicy}. */
export const linkPreviewPolicySchema: Codec<LinkPreviewPolicy> = select("LinkPreviewPolicy", {
  head: [
    ["autodetect_hyperlinks_in_text", optionalitySchema],
    ["send_link_previews", optionalitySchema],
    ["automatic_link_previews", optionalitySchema],
    ["link_preview_proxy_use", optionalitySchema],
  ],
  on: "link_preview_proxy_use",
  arms: { [optionality.required]: proxy, [optionality.optional]: proxy, [optionality.forbidden]: [] },
  noArm: "no case for link_preview_proxy_use",
  noArmRule: closedEnum.rule,
});

/** Encode a {@link LinkPreviewPolicy}. @throws CodecError when a field is out of range. */
export function encodeLinkPreviewPolicy(value: LinkPreviewPolicy): Uint8Array {
  return encodeWith(linkPreviewPolicySchema, value);
}

/** Decode a {@link LinkPreviewPolicy}. @throws CodecError on malformed bytes, naming the field. */
export function decodeLinkPreviewPolicy(bytes: Uint8Array): LinkPreviewPolicy {
  return decodeWith(linkPreviewPolicySchema, bytes);
}
