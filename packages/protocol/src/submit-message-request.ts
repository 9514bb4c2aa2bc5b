import type { MLSMessage } from "@mimi/mls-profile";
import { type Codec, struct, ValidationError } from "@mimi/wire";
import { type Mls, mlsMessage } from "./codec/mls.js";
import { type IdentifierUri, identifierUriCodec } from "./identifier-uri.js";
import { type Protocol, protocolCodec } from "./protocol.js";

/**
 * draft-ietf-mimi-protocol-06 §5.4 `SubmitMessageRequest` (`IdentifierURI` read as
 * `IdentifierUri`, DI-PROTO-03):
 *
 * ```tls
 * struct {
 *   Protocol protocol;
 *   select(protocol) {
 *     case mls10:
 *       /* PrivateMessage containing an application message *\/
 *       MLSMessage appMessage;
 *       IdentifierURI sendingUri;
 *   };
 * } SubmitMessageRequest;
 * ```
 */
export interface SubmitMessageRequest {
  readonly protocol: Protocol;
  readonly appMessage: Mls<MLSMessage>;
  readonly sendingUri: IdentifierUri;
}

/** The `SubmitMessageRequest` codec. */
export const submitMessageRequestCodec: Codec<SubmitMessageRequest> = struct("SubmitMessageRequest", [
  ["protocol", protocolCodec],
  ["appMessage", mlsMessage],
  ["sendingUri", identifierUriCodec],
]);

/**
 * Check the structural rules of §5.4 on a decoded request.
 *
 * @throws ValidationError when `appMessage` is not a PrivateMessage.
 */
export function checkSubmitMessageRequest(request: SubmitMessageRequest): void {
  // [PROTO-SUB-01] draft-ietf-mimi-protocol-06 §5.4: appMessage is a PrivateMessage (an
  // application message; its content type is encrypted).
  if (request.appMessage.value.wireformat !== "mls_private_message") {
    throw new ValidationError(
      `appMessage must be a PrivateMessage, not ${request.appMessage.value.wireformat}`,
      {
        path: "/appMessage",
        rule: "PROTO-SUB-01",
      },
    );
  }
}
