import { fc, test } from "@fast-check/vitest";
import { CodecError, decodeWith, encodeTls, encodeWith, fromHex, toHex } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  decodeBaseRoomPolicy,
  decodeJoinLinksData,
  decodeLinkPreviewPolicy,
  decodeOperationalParameters,
  decodePendingProposalPolicy,
  decodeRole,
  decodeStructureToJson,
  encodeJoinLinksData,
  encodeLinkPreviewPolicy,
  encodeRole,
  encodeStructureFromJson,
  optionality,
  type Role,
  roleCapabilities,
  structureNames,
  structures,
} from "../src/index.js";
import { arbitraryOf } from "./arbitraries.js";

const role: Role = {
  role_index: 2,
  role_name: "ordinary_user",
  role_description: "",
  role_capabilities: [roleCapabilities.canSendMessage, roleCapabilities.canUnBan],
  minimum_participants_constraint: 0,
  minimum_active_participants_constraint: 0,
  maximum_active_participants_constraint: 5,
  authorized_role_changes: [{ from_role_index: 0, target_role_indexes: [2] }],
};

/** Expect `f` to throw a CodecError and return it. */
function codecError(f: () => unknown): CodecError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CodecError);
    return e as CodecError;
  }
  throw new Error("no error thrown");
}

describe("Role", () => {
  it("encodes a known Role byte for byte in the printed field order", () => {
    const expected = [
      "00000002", // role_index
      "0d6f7264696e6172795f75736572", // role_name "ordinary_user"
      "00", // role_description
      "040100000b", // role_capabilities: canSendMessage, canUnBan
      "00000000", // minimum_participants_constraint
      "00", // maximum_participants_constraint absent
      "00000000", // minimum_active_participants_constraint
      "0100000005", // maximum_active_participants_constraint = 5
      "09000000000400000002", // authorized_role_changes [(0,[2])]
    ].join("");
    expect(toHex(encodeRole(role))).toBe(expected);
    expect(decodeRole(fromHex(expected))).toEqual(role);
  });
});

describe("structure codecs", () => {
  for (const name of structureNames) {
    const { schema } = structures[name]!;
    test.prop([arbitraryOf(schema)], { numRuns: 60 })(
      `${name} round-trips through bytes and JSON`,
      (value) => {
        const bytes = encodeWith(schema, value);
        expect(decodeWith(schema, bytes)).toEqual(value);
        const json = JSON.parse(JSON.stringify(schema.toJson(value))) as unknown;
        expect(schema.fromJson(json, "/")).toEqual(value);
        expect(toHex(encodeStructureFromJson(name, json))).toBe(toHex(bytes));
        expect(decodeStructureToJson(name, bytes)).toEqual(json);
      },
    );

    test.prop([fc.uint8Array({ maxLength: 64 })], { numRuns: 60 })(
      `${name}: random bytes only ever give a CodecError`,
      (bytes) => {
        try {
          decodeWith(schema, bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(CodecError);
        }
      },
    );

    test.prop([arbitraryOf(schema), fc.nat(), fc.integer({ min: 1, max: 255 })], { numRuns: 40 })(
      `${name}: a mutated or truncated encoding decodes or gives a CodecError`,
      (value, at, xor) => {
        const bytes = encodeWith(schema, value);
        const cut = bytes.slice(0, bytes.length === 0 ? 0 : at % bytes.length);
        const flipped = bytes.slice();
        if (flipped.length > 0) flipped[at % flipped.length]! ^= xor;
        for (const b of [cut, flipped]) {
          try {
            decodeWith(schema, b);
          } catch (e) {
            expect(e).toBeInstanceOf(CodecError);
          }
        }
      },
    );
  }
});

describe("printed-syntax defects (decision 0301)", () => {
  it("POLICY-CODEC-01 rejects a bool other than 0 or 1, naming the field", () => {
    // BaseRoomPolicy starting with fixed_membership = 2
    const e = codecError(() => decodeBaseRoomPolicy(fromHex("02")));
    expect(e.rule).toBe("POLICY-CODEC-01");
    expect(e.path).toBe("/fixed_membership");
  });

  it("POLICY-CODEC-02 rejects an unknown Optionality value (the enum is closed)", () => {
    const e = codecError(() => decodeLinkPreviewPolicy(fromHex("03000000")));
    expect(e.rule).toBe("POLICY-CODEC-02");
    expect(e.path).toBe("/autodetect_hyperlinks_in_text");
  });

  it("POLICY-CODEC-02 rejects the unnumbered `extension` pending-proposal strategy", () => {
    expect(codecError(() => decodePendingProposalPolicy(fromHex("030001"))).rule).toBe("POLICY-CODEC-02");
  });

  it("`case mandatory` is required(1): the proxy list follows, and forbidden has no body", () => {
    const required = {
      autodetect_hyperlinks_in_text: optionality.optional,
      send_link_previews: optionality.required,
      automatic_link_previews: optionality.forbidden,
      link_preview_proxy_use: optionality.required,
      link_preview_proxy: [{ uri: "https://proxy.example" }],
    };
    const hex = toHex(encodeLinkPreviewPolicy(required));
    expect(hex).toBe("00010201" + "16" + "15" + toHex(new TextEncoder().encode("https://proxy.example")));
    expect(decodeLinkPreviewPolicy(fromHex(hex))).toEqual(required);
    const forbidden = { ...required, link_preview_proxy_use: optionality.forbidden } as const;
    const { link_preview_proxy: _, ...noProxy } = forbidden;
    expect(toHex(encodeLinkPreviewPolicy(noProxy))).toBe("00010202");
    // A body after `forbidden` is trailing data.
    expect(() => decodeLinkPreviewPolicy(fromHex("0001020200"))).toThrow(CodecError);
  });

  it("JoinLink carries a length (read as opaque join_link<V>); JoinLinksData is a bare vector", () => {
    const data = { links: [{ join_link: "ab" }] };
    expect(toHex(encodeJoinLinksData(data))).toBe("03026162");
    expect(decodeJoinLinksData(fromHex("03026162"))).toEqual(data);
  });

  it("OperationalParameters reads `unit64 max_kp_lifetime` as uint64 and rejects a truncated one", () => {
    const caps = "00".repeat(10);
    const mdm = "00".repeat(24);
    const hex =
      `${caps}${caps}${caps}00` +
      "0001" +
      "00" +
      mdm +
      "00" +
      "0000" +
      "00000000" +
      "00000000000000ff" +
      "00".repeat(16) +
      mdm +
      "00000000" +
      mdm +
      "00000000";
    const op = decodeOperationalParameters(fromHex(hex));
    expect(op.max_kp_lifetime).toBe(255n);
    expect(op.external_commit_allowed).toBe(true);
    expect(() => decodeOperationalParameters(fromHex(hex.slice(0, -2)))).toThrow(CodecError);
  });

  it("rejects invalid UTF-8 in a text field with a CodecError at the field", () => {
    const bytes = encodeTls((w) => {
      w.uint32(1).opaque(new Uint8Array([0xff]));
    });
    expect(codecError(() => decodeRole(bytes)).path).toBe("/role_name");
  });

  it("refuses to encode a value that does not fit, naming the field", () => {
    const e = codecError(() => encodeRole({ ...role, role_index: -1 }));
    expect(e.path).toBe("/role_index");
    expect(codecError(() => encodeStructureFromJson("Role", { ...role, extra: 1 })).path).toBe("/extra");
  });

  it("JSON: capabilities by name (canUnban accepted as the draft's variant), bytes as hex, uint64 as strings", () => {
    const json = structures["Role"]!.schema.toJson(role) as { role_capabilities: unknown[] };
    expect(json.role_capabilities).toEqual(["canSendMessage", "canUnBan"]);
    const back = structures["Role"]!.schema.fromJson(
      {
        ...json,
        role_capabilities: ["canUnban", 61440],
      },
      "/",
    );
    expect((back as Role).role_capabilities).toEqual([roleCapabilities.canUnBan, 0xf000]);
  });
});
