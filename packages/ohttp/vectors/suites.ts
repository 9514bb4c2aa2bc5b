/**
 * Vector suites of `@mimi/ohttp`: RFC 9458 Appendix A, byte for byte.
 */
import { readUpstreamText, runCases, type VectorSuite } from "@mimi/spec-vectors";
import { fromHex, toHex } from "@mimi/wire";
import {
  decapsulateRequest,
  decapsulateResponse,
  decodeBinaryHttpRequest,
  decodeBinaryHttpResponse,
  decodeKeyConfig,
  encapsulateRequest,
  encapsulateResponse,
  encodeBinaryHttpRequest,
  encodeBinaryHttpResponse,
  encodeKeyConfig,
  makeGatewayKey,
} from "../src/index.js";

/** The hex values of RFC 9458 Appendix A (`spec-vectors/upstream/rfc9458/appendix-a.txt`), in order. */
export function rfc9458AppendixA(): string[] {
  const out: string[] = [];
  let current: string | undefined;
  for (const line of readUpstreamText("rfc9458/appendix-a.txt").split("\n")) {
    const m = /^ {3}([0-9a-f]+)$/.exec(line);
    if (m !== null) current = (current ?? "") + m[1];
    else if (current !== undefined) {
      out.push(current);
      current = undefined;
    }
  }
  if (current !== undefined) out.push(current);
  return out;
}

function same(what: string, got: Uint8Array, want: string): void {
  if (toHex(got) !== want) throw new Error(`${what}: ${toHex(got)}, expected ${want}`);
}

/** The RFC 9458 Appendix A exchange, byte for byte in both directions. */
async function checkRfc9458AppendixA(): Promise<void> {
  const v = rfc9458AppendixA();
  if (v.length !== 14) throw new Error(`${v.length} hex values, expected 14`);
  const [sk, config, req, ekSk, , , encReq, res, secret, salt, , , , encRes] = v as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  same("key configuration", encodeKeyConfig(decodeKeyConfig(fromHex(config))), config);
  const key = makeGatewayKey(1, fromHex(sk));
  same("public key of the secret key", key.config.publicKey, config.slice(6, 70));
  same("binary HTTP request", encodeBinaryHttpRequest(decodeBinaryHttpRequest(fromHex(req))), req);
  same("binary HTTP response", encodeBinaryHttpResponse(decodeBinaryHttpResponse(fromHex(res))), res);
  const client = await encapsulateRequest(key.config, fromHex(req), { secretKey: fromHex(ekSk) });
  same("Encapsulated Request", client.encapsulated, encReq);
  const gateway = await decapsulateRequest(key, fromHex(encReq));
  same("decapsulated request", gateway.request, req);
  same("exported secret", gateway.context.secret, secret);
  same(
    "Encapsulated Response",
    encapsulateResponse(gateway.context, fromHex(res), fromHex(salt).subarray(32)),
    encRes,
  );
  same("decapsulated response", decapsulateResponse(client.context, fromHex(encRes)), res);
}

export const vectorSuites: readonly VectorSuite[] = [
  {
    name: "ohttp/rfc9458-appendix-a",
    source: "RFC 9458 Appendix A (spec-vectors/upstream/rfc9458/appendix-a.txt)",
    run: () =>
      runCases(
        ["appendix-a"],
        (id) => id,
        () => checkRfc9458AppendixA(),
      ),
  },
];
