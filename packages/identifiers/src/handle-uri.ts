/**
 * Handle URIs used in discovery (draft-mahy-mimi-identity-05 §3 "handle"; draft-ietf-mimi-protocol-06
 * §5.8 search types `handle`, `email`, `phone`): `tel:` (RFC 3966, E.164), `mailto:` (RFC 6068),
 * `im:` (RFC 3862) and `xmpp:` (RFC 5122, RFC 7622), each with one canonical form (decision 0109).
 */
import { canonicalHost, describeChar, hostEnd } from "./host.js";
import { failAt, IdentifierError } from "./identifier-error.js";
import { type ClientUri, formatMimiUri, type ProviderUri, type UserUri } from "./mimi-uri.js";
import {
  charTable,
  type DecodeRules,
  decodeSegment,
  encodeSegment,
  hexValue,
  UNRESERVED,
} from "./segment.js";

/** The handle schemes this package reads. */
export type HandleScheme = "tel" | "mailto" | "im" | "xmpp";

declare const handleUriBrand: unique symbol;

/** A handle URI in canonical form. */
export type HandleUri = string & { readonly [handleUriBrand]: true };

/** A `tel:` handle: a global E.164 number. */
export interface TelHandle {
  readonly uri: HandleUri;
  readonly scheme: "tel";
  /** `+` and the digits, e.g. `+12015550123` (the protocol-06 §5.8 `phone` search value). */
  readonly number: string;
}

/** A `mailto:` or `im:` handle: one address. */
export interface AddressHandle {
  readonly uri: HandleUri;
  readonly scheme: "mailto" | "im";
  /** The decoded local part, case kept. */
  readonly localPart: string;
  /** Lower-case A-labels. */
  readonly domain: string;
}

/** An `xmpp:` handle: a JID. */
export interface XmppHandle {
  readonly uri: HandleUri;
  readonly scheme: "xmpp";
  /** The decoded, case-mapped node (localpart), if any. */
  readonly localPart: string | undefined;
  /** Lower-case A-labels. */
  readonly domain: string;
  /** The decoded resource, if any (a full JID). */
  readonly resource: string | undefined;
}

/** A parsed handle URI. */
export type ParsedHandleUri = TelHandle | AddressHandle | XmppHandle;

/** RFC 5322 §3.2.3 `atext`, as a table. */
const ATEXT = charTable(`${UNRESERVED.replace(".", "")}!#$%&'*+/=?^\`{|}~`);
/** ASCII characters an address's local part may hold raw in the URI (RFC 6068 `qchar`). */
const QCHAR = charTable(`${UNRESERVED}!$'()*+,;:@`);
/** …of which the canonical spelling keeps raw: `qchar` ∩ (`atext` / "."). */
const LOCAL_RAW = charTable(`${UNRESERVED}!$'*+`);
/** RFC 5122 §2.2 `nodeid` and `resid` characters (besides `pct-encoded`). */
const NODE_RAW = charTable(`${UNRESERVED}!$()*+,;=`);
const RESOURCE_RAW = charTable(`${UNRESERVED}!$&'()*+,:;=`);

const LOCAL_RULES: DecodeRules = {
  raw: LOCAL_RAW,
  maxOctets: 64,
  badRule: "ID-MAIL-01",
  longRule: "ID-MAIL-01",
  what: "local part",
};
const NODE_RULES: DecodeRules = {
  raw: NODE_RAW,
  maxOctets: 1023,
  badRule: "ID-XMPP-01",
  longRule: "ID-XMPP-01",
  what: "localpart",
};
const RESOURCE_RULES: DecodeRules = {
  raw: RESOURCE_RAW,
  maxOctets: 1023,
  badRule: "ID-XMPP-01",
  longRule: "ID-XMPP-01",
  what: "resource",
};

/** Check that `s[start, end)` has only characters of `table`, `%HH` and non-ASCII from U+00A0. */
function scanRaw(s: string, start: number, end: number, table: Uint8Array, rule: string, what: string): void {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      if (table[c] === 1) continue;
      if (
        c === 37 &&
        hexValue(s.charCodeAt(i + 1)) >= 0 &&
        hexValue(s.charCodeAt(i + 2)) >= 0 &&
        i + 2 < end
      ) {
        i += 2;
        continue;
      }
      failAt(`character ${describeChar(c)} is not allowed in the ${what}`, rule, i);
    }
    if (c < 0xa0) failAt(`character ${describeChar(c)} is not allowed in the ${what}`, rule, i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = s.charCodeAt(i + 1);
      if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff) || i + 1 >= end) failAt("a lone surrogate", rule, i);
      i++;
    }
  }
}

/** The domain of a handle: `s[start, end)` under the `mimi:` host rules (ID-HOST-*). */
function handleDomain(s: string, start: number, end: number, rule: string): string {
  const domain = canonicalHost(s, start);
  if (hostEnd() !== end)
    failAt(`unexpected ${describeChar(s.charCodeAt(hostEnd()))} after the domain`, rule, hostEnd());
  return domain;
}

function readTel(text: string, from: number): TelHandle {
  if (text.charCodeAt(from) !== 43 /* + */) {
    // [ID-TEL-01] RFC 3966 §5.1.4: a tel: handle is a global number, '+' then E.164 digits (at most 15, the first not 0, ITU-T E.164 §6.1) with only the visual separators - . ( )
    failAt("a tel: handle must be a global number starting with '+'", "ID-TEL-01", from);
  }
  let digits = "";
  for (let i = from + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === "" && c === 48) failAt("an E.164 number does not start with 0", "ID-TEL-01", i);
      digits += text[i];
    } else if (c === 59 /* ; */ || c === 63 /* ? */ || c === 35 /* # */) {
      // [ID-TEL-02] draft-ietf-mimi-protocol-06 §5.8: a phone handle is a bare E.164 number, so no parameters (extension, isdn-subaddress, phone-context), query or fragment (decision 0109)
      failAt("parameters, query and fragment are not allowed in a tel: handle", "ID-TEL-02", i);
    } else if (c !== 45 && c !== 46 && c !== 40 && c !== 41) {
      failAt(`character ${describeChar(c)} is not allowed in a phone number`, "ID-TEL-01", i);
    }
  }
  if (digits.length === 0 || digits.length > 15) {
    failAt(`an E.164 number has 1 to 15 digits, not ${digits.length}`, "ID-TEL-01", from);
  }
  const number = `+${digits}`;
  return { uri: `tel:${number}` as HandleUri, scheme: "tel", number };
}

function readAddress(text: string, from: number, scheme: "mailto" | "im"): AddressHandle {
  const n = text.length;
  let at = -1;
  for (let i = from; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 63 || c === 35 || c === 44) {
      // [ID-MAIL-02] RFC 6068 §2: a mailto:/im: handle is exactly one address: no header fields ('?'), fragment or second address (',')
      failAt(
        c === 44 ? "only one address is allowed" : "header fields and fragments are not allowed in a handle",
        "ID-MAIL-02",
        i,
      );
    }
    if (c === 64) {
      if (at >= 0) failAt("more than one '@'", "ID-MAIL-01", i);
      at = i;
    }
  }
  if (at < 0) {
    // [ID-MAIL-01] RFC 6068 §2: the address is local-part "@" domain; the decoded local part is a dot-atom (RFC 5322 §3.2.3, UTF-8 per RFC 6532) of at most 64 octets (RFC 5321 §4.5.3.1.1)
    failAt("the address has no '@'", "ID-MAIL-01", n);
  }
  scanRaw(text, from, at, QCHAR, "ID-MAIL-01", "local part");
  const localPart = decodeSegment(text, from, at, LOCAL_RULES);
  checkDotAtom(localPart, from);
  const domain = handleDomain(text, at + 1, n, "ID-MAIL-01");
  const uri = `${scheme}:${encodeSegment(localPart, "/localPart", LOCAL_RAW)}@${domain}`;
  return { uri: uri as HandleUri, scheme, localPart, domain };
}

function checkDotAtom(local: string, at: number): void {
  if (local.length === 0) failAt("the local part is empty", "ID-MAIL-01", at);
  let prevDot = true;
  for (let i = 0; i < local.length; i++) {
    const c = local.charCodeAt(i);
    if (c === 46) {
      if (prevDot) failAt("the local part has an empty atom ('.' at its start or '..')", "ID-MAIL-01", at);
      prevDot = true;
      continue;
    }
    prevDot = false;
    if (c < 128 && ATEXT[c] !== 1) {
      failAt(`character ${describeChar(c)} is not allowed in a dot-atom local part`, "ID-MAIL-01", at);
    }
  }
  if (prevDot) failAt("the local part ends with '.'", "ID-MAIL-01", at);
}

const NODE_FORBIDDEN = "\"&'/:<>@ ";

function readXmpp(text: string, from: number): XmppHandle {
  const n = text.length;
  if (text.charCodeAt(from) === 47 && text.charCodeAt(from + 1) === 47) {
    // [ID-XMPP-02] RFC 5122 §2.3: a handle is a bare or full JID: no authority component ('//'), query or fragment
    failAt("an xmpp: handle has no authority component", "ID-XMPP-02", from);
  }
  let slash = n;
  for (let i = from; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 63 || c === 35) failAt("queries and fragments are not allowed in a handle", "ID-XMPP-02", i);
    if (c === 47 && slash === n) slash = i;
  }
  let at = -1;
  for (let i = from; i < slash; i++) {
    if (text.charCodeAt(i) === 64) {
      at = i;
      break;
    }
  }
  let localPart: string | undefined;
  if (at >= 0) {
    // [ID-XMPP-01] RFC 7622 §3: a JID is [localpart "@"] domainpart ["/" resourcepart]; the localpart is 1 to 1023 octets without " & ' / : < > @ or space, case-mapped (§3.3); the resource is 1 to 1023 octets
    if (at === from) failAt("the localpart is empty", "ID-XMPP-01", at);
    scanRaw(text, from, at, NODE_RAW, "ID-XMPP-01", "localpart");
    localPart = decodeSegment(text, from, at, NODE_RULES).toLowerCase().normalize("NFC");
    for (const ch of NODE_FORBIDDEN) {
      if (localPart.includes(ch))
        failAt(`the localpart contains ${describeChar(ch.charCodeAt(0))}`, "ID-XMPP-01", from);
    }
  }
  const domain = handleDomain(text, at >= 0 ? at + 1 : from, slash, "ID-XMPP-01");
  let resource: string | undefined;
  if (slash < n) {
    if (slash + 1 === n) failAt("the resource is empty", "ID-XMPP-01", n);
    scanRaw(text, slash + 1, n, RESOURCE_RAW, "ID-XMPP-01", "resource");
    resource = decodeSegment(text, slash + 1, n, RESOURCE_RULES).normalize("NFC");
  }
  let uri = "xmpp:";
  if (localPart !== undefined) uri += `${encodeSegment(localPart, "/localPart", NODE_RAW)}@`;
  uri += domain;
  if (resource !== undefined) uri += `/${encodeSegment(resource, "/resource", RESOURCE_RAW)}`;
  return { uri: uri as HandleUri, scheme: "xmpp", localPart, domain, resource };
}

/**
 * Parse a handle URI (`tel:`, `mailto:`, `im:` or `xmpp:`) to its canonical form and parts.
 *
 * @example
 * ```ts
 * parseHandleUri("tel:+1-201-555-0123"); // { uri: "tel:+12015550123", scheme: "tel", number: "+12015550123" }
 * parseHandleUri("im:alice.smith@A.example"); // { uri: "im:alice.smith@a.example", … }
 * ```
 * @throws IdentifierError naming the failed rule (`ID-HANDLE-01`, `ID-TEL-…`, `ID-MAIL-…`,
 * `ID-XMPP-…`, or `ID-HOST-…` for a domain) and the position `@N`.
 */
export function parseHandleUri(text: string): ParsedHandleUri {
  if (typeof text !== "string") failAt("a handle URI must be a string", "ID-HANDLE-01", 0);
  if (text.length > 4096) failAt("the text is longer than 4096 characters", "ID-HANDLE-01", 4096);
  const colon = text.indexOf(":");
  const scheme = colon < 0 ? "" : text.slice(0, colon).toLowerCase();
  switch (scheme) {
    case "tel":
      return readTel(text, colon + 1);
    case "mailto":
    case "im":
      return readAddress(text, colon + 1, scheme);
    case "xmpp":
      return readXmpp(text, colon + 1);
    default:
      // [ID-HANDLE-01] draft-mahy-mimi-identity-05 §3: a handle URI has one of the schemes tel, mailto, im or xmpp (decision 0109)
      failAt("not a tel:, mailto:, im: or xmpp: URI", "ID-HANDLE-01", 0);
  }
}

/**
 * The canonical form of a handle URI.
 *
 * @throws IdentifierError when `text` is not a handle URI.
 */
export function normalizeHandleUri(text: string): HandleUri {
  return parseHandleUri(text).uri;
}

/** True when `x` is a handle URI in canonical form. */
export function isHandleUri(x: unknown): x is HandleUri {
  if (typeof x !== "string") return false;
  try {
    return parseHandleUri(x).uri === x;
  } catch (e) {
    if (e instanceof IdentifierError) return false;
    throw e;
  }
}

/**
 * Whether two handle URIs are the same handle: their canonical forms are equal.
 *
 * @throws IdentifierError when either is not a handle URI.
 */
export function handleUriEquals(a: string, b: string): boolean {
  return parseHandleUri(a).uri === parseHandleUri(b).uri;
}

/**
 * The MIMI URI of an XMPP address, as draft-mahy-mimi-identity-05 §4 maps them: a domain to the
 * provider, a bare JID to a user (`/u/<localpart>`), a full JID to a client
 * (`/d/<localpart>/<resource>`).
 *
 * @throws IdentifierError when `text` is not an `xmpp:` handle (`ID-XMPP-03` for another scheme or
 * a domain with a resource but no localpart), or when a part breaks the `mimi:` rules (e.g. a
 * resource longer than 255 octets).
 */
export function mimiUriOfXmpp(text: string): ProviderUri | UserUri | ClientUri {
  const h = parseHandleUri(text);
  if (h.scheme !== "xmpp") {
    // [ID-XMPP-03] draft-mahy-mimi-identity-05 §4: only XMPP addresses map to MIMI URIs: domain to provider, bare JID to /u/, full JID to /d/<localpart>/<resource>
    failAt(`a ${h.scheme}: handle has no MIMI URI`, "ID-XMPP-03", 0);
  }
  if (h.localPart === undefined) {
    if (h.resource !== undefined) failAt("a domain with a resource has no MIMI URI", "ID-XMPP-03", 0);
    return formatMimiUri({ kind: "provider", domain: h.domain, segments: [] }) as ProviderUri;
  }
  if (h.resource === undefined)
    return formatMimiUri({ kind: "u", domain: h.domain, segments: [h.localPart] }) as UserUri;
  return formatMimiUri({ kind: "d", domain: h.domain, segments: [h.localPart, h.resource] }) as ClientUri;
}
