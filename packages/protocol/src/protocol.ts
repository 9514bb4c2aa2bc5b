import { type Codec, CodecError } from "@mimi/wire";

/**
 * draft-ietf-mimi-protocol-06 §5 `Protocol`:
 *
 * ```tls
 * enum {
 *     reserved(0),
 *     mls10(1),
 *     (255)
 * } Protocol;
 * ```
 *
 * Every body that carries a `Protocol` selects on it, and only `mls10` has an arm, so any other
 * value cannot be decoded past this field (decision 0601).
 */
export type Protocol = "mls10";

/** The `Protocol` code points. */
export const protocols = { reserved: 0, mls10: 1 } as const;

/**
 * The `Protocol` codec: `mls10` only; `reserved(0)` and unassigned values are a `CodecError`.
 */
export const protocolCodec: Codec<Protocol> = {
  name: "Protocol",
  shape: { kind: "enum", bits: 8, names: { mls10: 1 }, closed: true, values: "names" },
  read: (r) => {
    const v = r.uint8();
    if (v !== protocols.mls10) r.fail(`unsupported protocol ${v} (only mls10(1) is defined)`);
    return "mls10";
  },
  write: (w, v) => {
    if (v !== "mls10") throw new CodecError(`unsupported protocol ${JSON.stringify(v)}`);
    w.uint8(protocols.mls10);
  },
  toJson: (v) => v,
  fromJson: (j, path) => {
    if (j !== "mls10") throw new CodecError(`unsupported protocol ${JSON.stringify(j)}`, { path });
    return "mls10";
  },
};
