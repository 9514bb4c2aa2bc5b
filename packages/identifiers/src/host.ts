/**
 * The `host` of a MIMI URI: a DNS domain name in lower-case A-label form.
 *
 * draft-ietf-mimi-protocol-06 §3: "each provider is represented by a domain name in the `host`
 * production of the `authority` of a MIMI URI". Our grammar (docs/identifiers.md, decisions 0102,
 * 0103) narrows RFC 3986's `reg-name` to RFC 1123 host names and maps internationalized names to
 * A-labels (RFC 5890 §2.3.2.1) with UTS #46 (the tr46 library, as WHATWG URL's host parser uses it:
 * no Node built-in, so that the package runs in browsers; decision 0110).
 */
import { toASCII as uts46ToASCII } from "tr46";
import { failAt } from "./identifier-error.js";

/** The longest domain name in presentation form, without a trailing dot (RFC 1035 §2.3.4). */
const MAX_HOST_LENGTH = 253;
/** The longest label (RFC 1035 §2.3.4). */
const MAX_LABEL_LENGTH = 63;

const UPPER = 1;
const NON_ASCII = 2;
const ACE = 4;

/** Flags (`UPPER`, `NON_ASCII`, `ACE`) of the host scanned last, and where it ended. */
let scanFlags = 0;
let scanEnd = 0;
/** Whether the canonical host read last differs from the text. */
let changed = false;

/** Conversions of internationalized hosts and checks of A-label hosts, kept because they are slow. */
const idnaCache = new Map<string, string>();
const IDNA_CACHE_SIZE = 1024;

/**
 * UTS #46 processing options: those of the WHATWG URL host parser ("domain to ASCII" with
 * beStrict false), which the project used before through `node:url`, so that names convert as in
 * browsers: nontransitional processing, Bidi and ContextJ rules checked, hyphen positions, STD3
 * rules and DNS lengths left to our own grammar (which checks them after conversion).
 */
const UTS46 = {
  checkBidi: true,
  checkHyphens: false,
  checkJoiners: true,
  useSTD3ASCIIRules: false,
  transitionalProcessing: false,
  verifyDNSLength: false,
  ignoreInvalidPunycode: false,
} as const;

/**
 * UTS #46 ToASCII of `host` ("" when it does not convert), remembered for the last hosts seen.
 *
 * The conversion of each label does not depend on the others, except for the Bidi rule, which
 * applies to every label once any label holds right-to-left text (RFC 5893 §2). The name is
 * converted with a final label `a` appended, as it was when the WHATWG parser (which reads a
 * numeric last label as an IPv4 address) did the work, and the label removed again.
 */
function toAscii(host: string): string {
  let ascii = idnaCache.get(host);
  if (ascii === undefined) {
    const guarded = uts46ToASCII(`${host}.a`, UTS46) ?? "";
    // A mapping may yield characters a host cannot hold (U+FF0F FULLWIDTH SOLIDUS maps to `/`):
    // like the WHATWG parser's forbidden domain code points, such a name does not convert.
    ascii = guarded.endsWith(".a") && /^[a-z0-9.-]*$/.test(guarded) ? guarded.slice(0, -2) : "";
    if (idnaCache.size >= IDNA_CACHE_SIZE) idnaCache.clear();
    idnaCache.set(host, ascii);
  }
  return ascii;
}

/**
 * Scan a host from `start`, stopping at `/`, `?`, `#` or the end, checking the LDH label rules on
 * the way. Until the first non-ASCII character the checks are exact; after one, the caller
 * converts the host to A-labels and scans that again (`at` then fixes the reported position to
 * the host's start). Sets `scanFlags` and `scanEnd`.
 */
function scanHost(s: string, start: number, at: number): void {
  const n = s.length;
  let labelStart = start;
  let allDigits = true;
  let flags = 0;
  let i = start;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) {
      allDigits = false;
      continue;
    }
    if (c >= 48 && c <= 57) continue;
    if (c === 46 /* . */) {
      if ((flags & NON_ASCII) === 0 && endLabel(s, labelStart, i, at)) flags |= ACE;
      labelStart = i + 1;
      allDigits = true;
      continue;
    }
    if (c === 45 /* - */) {
      if (i === labelStart && (flags & NON_ASCII) === 0) {
        // [ID-HOST-01] a label starts with a letter or digit (RFC 1123 section 2.1)
        failAt("a host label starts with '-'", "ID-HOST-01", at < 0 ? i : at);
      }
      allDigits = false;
      continue;
    }
    if (c >= 65 && c <= 90) {
      flags |= UPPER;
      allDigits = false;
      continue;
    }
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) break;
    if (c >= 0x80) {
      flags |= NON_ASCII;
      allDigits = false;
      continue;
    }
    badHostChar(c, at < 0 ? i : at);
  }
  scanEnd = i;
  if (i === start) failAt("the host is empty", "ID-HOST-01", at < 0 ? i : at);
  if ((flags & NON_ASCII) === 0) {
    if (endLabel(s, labelStart, i, at)) flags |= ACE;
    if (allDigits) {
      // [ID-HOST-03] draft-ietf-mimi-protocol-06 §3: the host is a domain name, so never an IPv4 address or a numeric top-level label
      failAt(
        "the last host label is all digits (an IPv4 address is not a domain name)",
        "ID-HOST-03",
        at < 0 ? labelStart : at,
      );
    }
    if (i - start > MAX_HOST_LENGTH) {
      // [ID-HOST-04] RFC 1035 §2.3.4: a domain name has at most 253 characters in presentation form
      failAt(`the host is longer than ${MAX_HOST_LENGTH} characters`, "ID-HOST-04", at < 0 ? start : at);
    }
  }
  scanFlags = flags;
}

/** Check the label `s[from, to)`; returns whether it is an ACE (`xn--`) label. */
function endLabel(s: string, from: number, to: number, at: number): boolean {
  if (to === from) {
    // [ID-HOST-01] draft-ietf-mimi-protocol-06 §3: the host is a domain name of LDH labels (RFC 1123 §2.1), each non-empty, with no trailing dot (decision 0102)
    failAt("a host label is empty", "ID-HOST-01", at < 0 ? to : at);
  }
  if (s.charCodeAt(to - 1) === 45) failAt("a host label ends with '-'", "ID-HOST-01", at < 0 ? to - 1 : at);
  if (to - from > MAX_LABEL_LENGTH) {
    failAt(`a host label is longer than ${MAX_LABEL_LENGTH} characters`, "ID-HOST-04", at < 0 ? from : at);
  }
  return (
    to - from >= 4 &&
    s.charCodeAt(from + 2) === 45 &&
    s.charCodeAt(from + 3) === 45 &&
    (s.charCodeAt(from) | 0x20) === 120 &&
    (s.charCodeAt(from + 1) | 0x20) === 110
  );
}

function badHostChar(c: number, at: number): never {
  if (c === 64 /* @ */) {
    // [ID-URI-02] draft-ietf-mimi-protocol-06 §3: the authority of a MIMI URI is a host only; userinfo (RFC 3986 §3.2.1) is forbidden
    failAt("userinfo ('@' in the authority) is not allowed", "ID-URI-02", at);
  }
  if (c === 58 /* : */) {
    // [ID-URI-03] draft-ietf-mimi-protocol-06 §3: the authority is a host only; a port (RFC 3986 §3.2.3) is forbidden (decision 0104)
    failAt("a port is not allowed", "ID-URI-03", at);
  }
  if (c === 91 /* [ */) failAt("an IP literal is not a domain name", "ID-HOST-03", at);
  if (c === 37 /* % */) failAt("percent-encoding is not allowed in the host", "ID-HOST-01", at);
  failAt(`character ${describeChar(c)} is not allowed in a host`, "ID-HOST-01", at);
}

/** A character for an error message: the character itself, or its code point for controls. */
export function describeChar(c: number): string {
  return c > 0x20 && c < 0x7f
    ? `'${String.fromCharCode(c)}'`
    : `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * The canonical host of `s[start, …)`: lower case, A-labels. Sets {@link hostEnd} to where it ends.
 *
 * @throws IdentifierError (`ID-URI-02`, `ID-URI-03`, `ID-HOST-01` … `ID-HOST-04`) at the position
 * of the fault (at the host's start when the fault is only visible after IDNA mapping).
 */
export function canonicalHost(s: string, start: number): string {
  scanHost(s, start, -1);
  const end = scanEnd;
  let host: string;
  if ((scanFlags & NON_ASCII) !== 0) {
    const ascii = toAscii(s.slice(start, end));
    if (ascii === "") {
      // [ID-HOST-02] RFC 5890 §2.3.2.1: an internationalized host is converted to A-labels (UTS #46 processing); one that does not convert is invalid
      failAt("the host is not a valid internationalized domain name", "ID-HOST-02", start);
    }
    scanHost(ascii, 0, start);
    scanEnd = end;
    host = ascii;
    changed = true;
  } else if ((scanFlags & UPPER) !== 0) {
    host = s.slice(start, end).toLowerCase();
    changed = true;
  } else {
    host = s.slice(start, end);
    changed = false;
  }
  if ((scanFlags & ACE) !== 0 && toAscii(host) !== host) {
    // [ID-HOST-02] an `xn--` label must be a valid A-label
    failAt("a host label starting with 'xn--' is not a valid A-label", "ID-HOST-02", start);
  }
  return host;
}

/** Whether the host read by the last {@link canonicalHost} call differs from its canonical form. */
export function hostChanged(): boolean {
  return changed;
}

/** Where the host read by the last {@link canonicalHost} call ends. */
export function hostEnd(): number {
  return scanEnd;
}
