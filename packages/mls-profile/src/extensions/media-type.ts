/**
 * Content media-type advertisement (draft-ietf-mls-extensions-10 §6.2): `Parameter`,
 * `MediaType`, `MediaTypeList`, and the media type strings of RFC 6838/RFC 9110 they carry.
 */
import {
  CodecError,
  childPath,
  decodeTls,
  encodeTls,
  fromUtf8,
  type TlsReader,
  type TlsWriter,
  utf8,
  ValidationError,
} from "@mimi/wire";

/**
 * draft-ietf-mls-extensions-10 §6.2
 *
 * ```tls
 * struct {
 *     opaque parameter_name<V>;
 *     /* Note: parameter_value never includes the quotation marks of *\/
 *     /* an RFC 2045 quoted-string or the first "\" of a quoted-pair *\/
 *     opaque parameter_value<V>;
 * } Parameter;
 * ```
 */
export interface Parameter {
  readonly parameter_name: string;
  readonly parameter_value: string;
}

/**
 * draft-ietf-mls-extensions-10 §6.2 (the field `type` was `media_type` in -09)
 *
 * ```tls
 * struct {
 *     /* type is an IANA top-level media type, a "/" character,
 *      * and the IANA media subtype *\/
 *     opaque type<V>;
 *
 *     /* a list of zero or more parameters defined for the subtype *\/
 *     Parameter parameters<V>;
 * } MediaType;
 * ```
 */
export interface MediaType {
  readonly type: string;
  readonly parameters: readonly Parameter[];
}

/**
 * draft-ietf-mls-extensions-10 §6.2 (the field `media_type_list` was `media_types` in -09)
 *
 * ```tls
 * struct {
 *     /* must contain at least one item *\/
 *     MediaType media_type_list<V>;
 * } MediaTypeList;
 *
 * MediaTypeList content_media_types;
 * ```
 */
export interface MediaTypeList {
  readonly media_type_list: readonly MediaType[];
}

// RFC 6838 §4.2 restricted-name: first ALPHA / DIGIT, then up to 126 of ALPHA / DIGIT / "!" /
// "#" / "$" / "&" / "-" / "^" / "_" / "." / "+".
const RESTRICTED_NAME = "[A-Za-z0-9][A-Za-z0-9!#$&\\-^_.+]{0,126}";
const TYPE_RE = new RegExp(`^${RESTRICTED_NAME}/${RESTRICTED_NAME}$`);
// RFC 9110 §5.6.2 token.
const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 9110 §5.6.4: what a quoted-string can carry once unquoted: HTAB / SP / VCHAR.
const VALUE_RE = /^[\t\x20-\x7e]*$/;

/**
 * Check a media type's syntax: `type` is `type "/" subtype` (RFC 6838 restricted names), each
 * parameter name a token, each value HTAB / SP / VCHAR only. `allowEmptyType` admits the empty
 * `type` of an ApplicationFraming (§6.2: "the first type in the GroupContext list").
 *
 * @throws ValidationError (`MLS-EXT-07` type, `MLS-EXT-08` parameter) naming the field.
 */
export function checkMediaType(mt: MediaType, path = "/", allowEmptyType = false): void {
  // [MLS-EXT-07] draft-ietf-mls-extensions-10 §6.2: type is an IANA top-level media type, a "/"
  // and the IANA subtype (RFC 6838 §4.2 restricted-name syntax).
  if (!(allowEmptyType && mt.type === "") && !TYPE_RE.test(mt.type)) {
    throw new ValidationError(`not a type/subtype: ${JSON.stringify(mt.type)}`, {
      path: childPath(path, "type"),
      rule: "MLS-EXT-07",
    });
  }
  mt.parameters.forEach((p, i) => {
    const at = childPath(childPath(path, "parameters"), i);
    // [MLS-EXT-08] draft-ietf-mls-extensions-10 §6.2: a parameter is an RFC 2045 token "=" value,
    // with the value stored without the quotes of a quoted-string or the "\" of a quoted-pair.
    if (!TOKEN_RE.test(p.parameter_name)) {
      throw new ValidationError(`parameter name is not a token: ${JSON.stringify(p.parameter_name)}`, {
        path: childPath(at, "parameter_name"),
        rule: "MLS-EXT-08",
      });
    }
    if (!VALUE_RE.test(p.parameter_value)) {
      throw new ValidationError("parameter value has characters a quoted-string cannot carry", {
        path: childPath(at, "parameter_value"),
        rule: "MLS-EXT-08",
      });
    }
  });
}

function readAscii(r: TlsReader): string {
  const bytes = r.opaque();
  for (const b of bytes) if (b > 0x7e) r.fail("non-ASCII byte in a media type");
  return fromUtf8(bytes, r.currentPath);
}

/** Read the fields of a `MediaType` without checking their syntax. @throws CodecError. */
function readMediaTypeRaw(r: TlsReader): MediaType {
  const type = r.field("type", () => readAscii(r));
  const parameters = r.field("parameters", () =>
    r.vector((pr) => {
      const parameter_name = pr.field("parameter_name", () => readAscii(pr));
      const parameter_value = pr.field("parameter_value", () => readAscii(pr));
      return { parameter_name, parameter_value };
    }),
  );
  return { type, parameters };
}

/**
 * Read a `MediaType`.
 *
 * @throws CodecError on malformed input; ValidationError (`MLS-EXT-07`, `MLS-EXT-08`) on bad syntax.
 */
export function readMediaType(r: TlsReader, allowEmptyType = false): MediaType {
  const path = r.currentPath;
  const mt = readMediaTypeRaw(r);
  checkMediaType(mt, path, allowEmptyType);
  return mt;
}

/** Write a `MediaType` (no syntax check; see {@link checkMediaType}). */
export function writeMediaType(w: TlsWriter, mt: MediaType): void {
  w.opaque(utf8(mt.type));
  w.vector(mt.parameters, (pw, p) => {
    pw.opaque(utf8(p.parameter_name));
    pw.opaque(utf8(p.parameter_value));
  });
}

/** Encode a `MediaType`. @throws ValidationError (`MLS-EXT-07`, `MLS-EXT-08`) on bad syntax. */
export function encodeMediaType(mt: MediaType): Uint8Array {
  checkMediaType(mt);
  return encodeTls((w) => writeMediaType(w, mt));
}

/** Decode a `MediaType`. @throws CodecError or ValidationError (`MLS-EXT-07`, `MLS-EXT-08`). */
export function decodeMediaType(bytes: Uint8Array): MediaType {
  return decodeTls(bytes, (r) => readMediaType(r));
}

/**
 * Check a `MediaTypeList`: at least one item, each with valid syntax.
 *
 * @throws ValidationError (`MLS-EXT-09` empty list, `MLS-EXT-07`, `MLS-EXT-08`).
 */
export function checkMediaTypeList(list: MediaTypeList, path = "/"): void {
  const at = childPath(path, "media_type_list");
  // [MLS-EXT-09] draft-ietf-mls-extensions-10 §6.2: media_type_list must contain at least one item.
  if (list.media_type_list.length === 0) {
    throw new ValidationError("media_type_list is empty", { path: at, rule: "MLS-EXT-09" });
  }
  list.media_type_list.forEach((mt, i) => {
    checkMediaType(mt, childPath(at, i));
  });
}

/** Encode a `MediaTypeList` (`content_media_types`). @throws ValidationError as {@link checkMediaTypeList}. */
export function encodeMediaTypeList(list: MediaTypeList): Uint8Array {
  checkMediaTypeList(list);
  return encodeTls((w) => w.vector(list.media_type_list, writeMediaType));
}

/** Decode a `MediaTypeList`. @throws CodecError, or ValidationError as {@link checkMediaTypeList}. */
export function decodeMediaTypeList(bytes: Uint8Array): MediaTypeList {
  const list = decodeTls(bytes, (r) => ({
    media_type_list: r.field("media_type_list", () => r.vector(readMediaTypeRaw)),
  }));
  checkMediaTypeList(list);
  return list;
}

/**
 * Parse a media type string such as `text/plain ;charset="UTF-8"` (RFC 9110 §8.3.1:
 * `type "/" subtype *( OWS ";" OWS parameter )`, `parameter = token "=" ( token / quoted-string )`)
 * into a `MediaType`, unquoting values as §6.2 requires. Case is kept as written.
 *
 * @throws CodecError naming the character offset (`@n`) where the string stops matching.
 */
export function parseMediaType(text: string): MediaType {
  let i = 0;
  const fail = (what: string): never => {
    throw new CodecError(what, { path: `@${i}`, rule: "MLS-EXT-07" });
  };
  const isTchar = (c: string): boolean => TOKEN_RE.test(c);
  const token = (): string => {
    const start = i;
    while (i < text.length && isTchar(text[i]!)) i++;
    if (i === start) fail("expected a token");
    return text.slice(start, i);
  };
  const ows = (): void => {
    while (text[i] === " " || text[i] === "\t") i++;
  };
  const typeName = token();
  if (text[i] !== "/") fail('expected "/"');
  i++;
  const sub = token();
  const type = `${typeName}/${sub}`;
  if (!TYPE_RE.test(type)) {
    i = 0;
    fail(`not a type/subtype: ${JSON.stringify(type)}`);
  }
  const parameters: Parameter[] = [];
  for (;;) {
    ows();
    if (i === text.length) break;
    if (text[i] !== ";") fail('expected ";"');
    i++;
    ows();
    const parameter_name = token();
    if (text[i] !== "=") fail('expected "="');
    i++;
    let parameter_value = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        const c = text[i];
        if (c === undefined) fail("unterminated quoted-string");
        if (c === '"') break;
        if (c === "\\") {
          i++;
          const q = text[i];
          if (q === undefined || !VALUE_RE.test(q)) fail("bad quoted-pair");
          parameter_value += q;
        } else {
          if (!VALUE_RE.test(c!)) fail("character not allowed in a quoted-string");
          parameter_value += c;
        }
        i++;
      }
      i++;
    } else {
      parameter_value = token();
    }
    parameters.push({ parameter_name, parameter_value });
  }
  return { type, parameters };
}

/**
 * Format a `MediaType` as a string: `type/subtype;name=value`, quoting a value (with `\`
 * before `"` and `\`) only when it is not a token.
 *
 * @throws ValidationError (`MLS-EXT-07`, `MLS-EXT-08`) when the media type is not valid.
 */
export function formatMediaType(mt: MediaType): string {
  checkMediaType(mt);
  let out = mt.type;
  for (const p of mt.parameters) {
    const v = TOKEN_RE.test(p.parameter_value)
      ? p.parameter_value
      : `"${p.parameter_value.replace(/(["\\])/g, "\\$1")}"`;
    out += `;${p.parameter_name}=${v}`;
  }
  return out;
}
