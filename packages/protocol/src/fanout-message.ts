import type { MLSMessage } from "@mimi/mls-profile";
import { type Codec, CodecError, optional, selectBy, TlsReader, TlsWriter, uint64, vector } from "@mimi/wire";
import { type Mls, mlsMessage } from "./codec/mls.js";
import { type Frank, frankCodec } from "./frank.js";
import { mlsMessageKind } from "./handshake-bundle.js";
import { type RatchetTreeOption, ratchetTreeOptionCodec } from "./ratchet-tree-option.js";

/**
 * draft-ietf-mimi-protocol-06 §5.5 `FanoutMessage`:
 *
 * ```tls
 * struct {
 *   /* the hub acceptance time (in milliseconds from the UNIX epoch) *\/
 *   uint64 timestamp;
 *   select (protocol) {
 *     case mls10:
 *       MLSMessage message;
 *       select (message.wire_format) {
 *         case application:
 *            optional Frank frank;
 *         case welcome:
 *            RatchetTreeOption ratchetTreeOption;
 *         case proposal:
 *            MLSMessage moreProposals<V>;
 *         case commit:
 *            MLSMessage externalProposals<V>;
 *       };
 *   };
 * } FanoutMessage;
 * ```
 *
 * The draft selects on a `protocol` that is not a field and mixes wire formats with content types
 * (DI-PROTO-05). Read as (decision 0605): the protocol is the room's (`mls10`); a PrivateMessage
 * takes the `application` arm (`optional<Frank>`), a Welcome the `welcome` arm, a PublicMessage the
 * `proposal` or `commit` arm by its content type. Other messages have no arm.
 */
export type FanoutMessage =
  | { readonly timestamp: bigint; readonly message: Mls<MLSMessage>; readonly frank?: Frank }
  | {
      readonly timestamp: bigint;
      readonly message: Mls<MLSMessage>;
      readonly ratchetTreeOption: RatchetTreeOption;
    }
  | {
      readonly timestamp: bigint;
      readonly message: Mls<MLSMessage>;
      readonly moreProposals: readonly Mls<MLSMessage>[];
    }
  | {
      readonly timestamp: bigint;
      readonly message: Mls<MLSMessage>;
      readonly externalProposals: readonly Mls<MLSMessage>[];
    };

const armByKind: Readonly<Record<string, string>> = {
  private: "application",
  welcome: "welcome",
  proposal: "proposal",
  commit: "commit",
};

/** The `FanoutMessage` codec. */
export const fanoutMessageCodec: Codec<FanoutMessage> = selectBy("FanoutMessage", {
  head: [
    ["timestamp", uint64],
    ["message", mlsMessage],
  ],
  // [PROTO-FAN-01] draft-ietf-mimi-protocol-06 §5.5: a FanoutMessage carries a PrivateMessage
  // (application), a PublicMessage proposal or commit, or a Welcome.
  tag: (v) => {
    const kind = mlsMessageKind(v.message.value);
    return armByKind[kind] ?? `${kind} message`;
  },
  arms: {
    application: [["frank", optional(frankCodec)]],
    welcome: [["ratchetTreeOption", ratchetTreeOptionCodec]],
    proposal: [["moreProposals", vector(mlsMessage)]],
    commit: [["externalProposals", vector(mlsMessage)]],
  },
  noArm: "a FanoutMessage carries an application PrivateMessage, a proposal or commit, or a Welcome, not a",
  noArmRule: "PROTO-FAN-01",
});

/**
 * Decode a `/notify` request body: one or more FanoutMessages concatenated (§5.5).
 *
 * @throws CodecError for an empty body or any malformed message (path `/<index>/...`).
 */
export function decodeFanoutMessages(bytes: Uint8Array): FanoutMessage[] {
  if (bytes.length === 0) throw new CodecError("a /notify body holds at least one FanoutMessage");
  const r = new TlsReader(bytes);
  const out: FanoutMessage[] = [];
  while (r.remaining > 0) out.push(r.field(out.length, () => fanoutMessageCodec.read(r, bytes)));
  return out;
}

/**
 * Decode a `/notify` body like {@link decodeFanoutMessages}, with each message's own encoding (the
 * bytes it occupies in the body), so a follower stores what the hub sent without encoding it again.
 *
 * @throws CodecError for an empty body or any malformed message (path `/<index>/...`).
 */
export function decodeFanoutMessagesWithBytes(
  bytes: Uint8Array,
): { readonly message: FanoutMessage; readonly encoded: Uint8Array }[] {
  if (bytes.length === 0) throw new CodecError("a /notify body holds at least one FanoutMessage");
  const r = new TlsReader(bytes);
  const out: { message: FanoutMessage; encoded: Uint8Array }[] = [];
  while (r.remaining > 0) {
    const start = r.offset;
    const message = r.field(out.length, () => fanoutMessageCodec.read(r, bytes));
    out.push({ message, encoded: bytes.subarray(start, r.offset) });
  }
  return out;
}

/**
 * Encode FanoutMessages as one `/notify` body (concatenated).
 *
 * @throws CodecError when a message cannot be encoded.
 */
export function encodeFanoutMessages(messages: readonly FanoutMessage[]): Uint8Array {
  const w = new TlsWriter();
  for (const m of messages) fanoutMessageCodec.write(w, m);
  return w.finish();
}
