import { describe, expect, it } from "vitest";
import { KeyCache } from "../src/key-cache.js";

describe("KeyCache", () => {
  it("finds a key by equal bytes in another array, and tells different bytes apart (short and long keys)", () => {
    const cache = new KeyCache<string>();
    let made = 0;
    const make = (name: string) => () => {
      made++;
      return name;
    };
    const long = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) % 256);
    const longOther = long.slice();
    longOther[9_999] = (longOther[9_999]! + 1) % 256;
    expect(cache.get(Uint8Array.of(1, 2, 3), make("a"))).toBe("a");
    expect(cache.get(Uint8Array.of(1, 2, 3), make("x"))).toBe("a");
    expect(cache.get(Uint8Array.of(1, 2, 4), make("b"))).toBe("b");
    expect(cache.get(Uint8Array.of(1, 2), make("c"))).toBe("c");
    expect(cache.get(long, make("d"))).toBe("d");
    expect(cache.get(long.slice(), make("x"))).toBe("d");
    expect(cache.get(longOther, make("e"))).toBe("e");
    expect(made).toBe(5);
    expect(cache.size).toBe(5);
    cache.forget(Uint8Array.of(1, 2, 3));
    expect(cache.get(Uint8Array.of(1, 2, 3), make("f"))).toBe("f");
  });
});
