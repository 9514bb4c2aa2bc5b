/**
 * Where this package turns untrusted bytes into asn1js's ASN.1 values, for what still goes through
 * pkijs (CRLs, and the pkijs object of a certificate, built on first use); certificates themselves
 * are read by the strict DER reader (`der.ts`). asn1js reports most
 * malformations through `offset === -1`, but some (a malformed GeneralizedTime, for one) throw
 * plain `Error`s from deep inside its parser; both become a `CodecError` here.
 */
import { CodecError } from "@mimi/wire";
import * as asn1js from "asn1js";

/**
 * Parse exactly one BER/DER value filling all of `der`.
 *
 * @throws CodecError naming `path` when the bytes are not one ASN.1 value, or have trailing bytes.
 */
export function parseBer(der: Uint8Array, what: string, path = "/"): asn1js.AsnType {
  let asn: ReturnType<typeof asn1js.fromBER>;
  try {
    asn = asn1js.fromBER(der);
  } catch (e) {
    throw new CodecError(`not DER: ${(e as Error).message}`, { path, cause: e });
  }
  if (asn.offset === -1) throw new CodecError(`not DER: ${asn.result.error}`, { path });
  if (asn.offset !== der.length) {
    throw new CodecError(`${der.length - asn.offset} trailing bytes after the ${what}`, { path });
  }
  return asn.result;
}
