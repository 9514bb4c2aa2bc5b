import {
  decodeFanoutMessages,
  decodeFanoutMessagesWithBytes,
  encodeFanoutMessages,
  type FanoutMessage,
  fanoutMessageCodec,
} from "@mimi/protocol";
import { type MlsFixtures, mlsFixtures } from "@mimi/protocol/testing";
import { CodecError, encodeWith } from "@mimi/wire";
import { beforeAll, describe, expect, it } from "vitest";

let fx: MlsFixtures;
beforeAll(async () => {
  fx = await mlsFixtures();
});

describe("a /notify body with each FanoutMessage's own bytes", () => {
  it("gives the messages decodeFanoutMessages gives, and bytes that are exactly their encodings", () => {
    const messages: FanoutMessage[] = fx.privateMessages.slice(0, 3).map((message, i) => ({
      timestamp: BigInt(1000 + i),
      message,
    }));
    const body = encodeFanoutMessages(messages);
    const out = decodeFanoutMessagesWithBytes(body);
    expect(out.map((o) => o.message)).toEqual(decodeFanoutMessages(body));
    expect(out.map((o) => Buffer.from(o.encoded).toString("hex"))).toEqual(
      messages.map((m) => Buffer.from(encodeWith(fanoutMessageCodec, m)).toString("hex")),
    );
    expect(Buffer.concat(out.map((o) => o.encoded)).equals(Buffer.from(body))).toBe(true);
  });

  it("refuses what decodeFanoutMessages refuses [PROTO-FAN-01]", () => {
    const body = encodeFanoutMessages([{ timestamp: 1n, message: fx.privateMessages[0]! }]);
    expect(() => decodeFanoutMessagesWithBytes(new Uint8Array(0))).toThrow(CodecError);
    expect(() => decodeFanoutMessagesWithBytes(body.subarray(0, body.length - 1))).toThrow(CodecError);
    expect(() => decodeFanoutMessagesWithBytes(Buffer.concat([body, Buffer.from([0])]))).toThrow(CodecError);
  });
});
