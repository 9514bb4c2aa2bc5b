/**
 * The `room_metadata` component (draft-ietf-mimi-protocol-06 §7.6).
 */
import {
  type Codec,
  childPath,
  decodeWith,
  encodeWith,
  opaque,
  struct,
  utf8String,
  ValidationError,
  vector,
} from "@mimi/wire";
import type { ComponentUpdateHandler } from "../extensions/apply-app-data-updates.js";
import { parseMediaType } from "../extensions/media-type.js";

/**
 * draft-ietf-mimi-protocol-06 §7.6
 *
 * ```tls
 * /* a valid URI (ex: MIMI URI) *\/
 * struct {
 *   opaque uri<V>;
 * } Uri;
 * ```
 */
export interface Uri {
  readonly uri: string;
}

/**
 * draft-ietf-mimi-protocol-06 §7.6
 *
 * ```tls
 * /* a sequence of valid UTF8 without nulls *\/
 * struct {
 *   opaque string<V>;
 * } UTF8String;
 * ```
 */
export interface UTF8String {
  readonly string: string;
}

/**
 * draft-ietf-mimi-protocol-06 §7.6
 *
 * ```tls
 * struct {
 *   /* an empty media_type is equivalent to text/plain;charset=utf-8 *\/
 *   opaque media_type<V>;
 *   opaque language_tag<V>;
 *   opaque description_content<V>;
 * } RichDescription;
 * ```
 */
export interface RichDescription {
  readonly media_type: string;
  readonly language_tag: string;
  readonly description_content: Uint8Array;
}

/**
 * draft-ietf-mimi-protocol-06 §7.6
 *
 * ```tls
 * struct {
 *   Uri room_uri;
 *   UTF8String room_name;
 *   RichDescription room_descriptions<V>;
 *   /* an https URI resolving to an avatar image *\/
 *   Uri room_avatar;
 *   UTF8String room_subject;
 *   UTF8String room_mood;
 * } RoomMetaData;
 *
 * RoomMetaData room_metadata;
 *
 * RoomMetaData RoomMetaUpdate;
 * ```
 */
export interface RoomMetaData {
  readonly room_uri: Uri;
  readonly room_name: UTF8String;
  readonly room_descriptions: readonly RichDescription[];
  readonly room_avatar: Uri;
  readonly room_subject: UTF8String;
  readonly room_mood: UTF8String;
}

// RFC 3986 §3: scheme ":" then URI characters only (unreserved, reserved, "%").
const URI_RE = /^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;
// RFC 5646 §2.1, simplified to its well-formed shape: subtags of 1–8 alphanumerics.
// A string that TextEncoder would not encode faithfully.
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LANGUAGE_TAG_RE = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

function checkUri(v: Uri, path: string, options: { empty: boolean; https: boolean }): void {
  if (v.uri === "" && options.empty) return;
  // [MLS-META-03] draft-ietf-mimi-protocol-06 §7.6: a Uri is a valid URI (RFC 3986 syntax).
  if (!URI_RE.test(v.uri)) {
    throw new ValidationError(`not a URI: ${JSON.stringify(v.uri)}`, {
      path: childPath(path, "uri"),
      rule: "MLS-META-03",
    });
  }
  // [MLS-META-04] draft-ietf-mimi-protocol-06 §7.6: room_avatar is an https URI.
  if (options.https && !/^https:/i.test(v.uri)) {
    throw new ValidationError("room_avatar must be an https URI", {
      path: childPath(path, "uri"),
      rule: "MLS-META-04",
    });
  }
}

function checkUtf8String(v: UTF8String, path: string): void {
  // [MLS-META-02] draft-ietf-mimi-protocol-06 §7.6: a UTF8String is valid UTF-8 without NULs.
  if (v.string.includes("\u0000") || LONE_SURROGATE_RE.test(v.string)) {
    throw new ValidationError("UTF8String must be valid UTF-8 without NUL", {
      path: childPath(path, "string"),
      rule: "MLS-META-02",
    });
  }
}

/**
 * Check a `RoomMetaData` (decision 0535): `room_uri` a URI, `room_avatar` empty or an https
 * URI, strings valid UTF-8 without NUL, description media types empty or valid, language tags
 * empty or well-formed.
 *
 * @throws ValidationError (`MLS-META-02` … `MLS-META-05`) naming the field.
 */
export function checkRoomMetaData(m: RoomMetaData, path = "/"): void {
  checkUri(m.room_uri, childPath(path, "room_uri"), { empty: false, https: false });
  checkUtf8String(m.room_name, childPath(path, "room_name"));
  m.room_descriptions.forEach((d, i) => {
    const at = childPath(childPath(path, "room_descriptions"), i);
    if (d.media_type !== "") {
      try {
        parseMediaType(d.media_type);
      } catch (e) {
        // [MLS-META-05] draft-ietf-mimi-protocol-06 §7.6: a RichDescription's media_type is
        // empty (text/plain;charset=utf-8) or a media type; its language_tag a language tag.
        throw new ValidationError("media_type is not a media type", {
          path: childPath(at, "media_type"),
          rule: "MLS-META-05",
          cause: e,
        });
      }
    }
    if (d.language_tag !== "" && !LANGUAGE_TAG_RE.test(d.language_tag)) {
      throw new ValidationError("language_tag is not a language tag", {
        path: childPath(at, "language_tag"),
        rule: "MLS-META-05",
      });
    }
  });
  checkUri(m.room_avatar, childPath(path, "room_avatar"), { empty: true, https: true });
  checkUtf8String(m.room_subject, childPath(path, "room_subject"));
  checkUtf8String(m.room_mood, childPath(path, "room_mood"));
}

/** The TLS codec of `Uri` (protocol-06 §7.6), the one every MIMI package uses. */
export const uriCodec: Codec<Uri> = struct("Uri", [["uri", utf8String]]);
const utf8StringCodec = struct("UTF8String", [["string", utf8String]]);

/**
 * The TLS codec of `RoomMetaData` (protocol-06 §7.6) without its content checks
 * ({@link checkRoomMetaData}), for JSON forms and comparisons; `encodeRoomMetaData` and
 * `decodeRoomMetaData` check.
 */
export const roomMetaDataCodec: Codec<RoomMetaData> = struct("RoomMetaData", [
  ["room_uri", uriCodec],
  ["room_name", utf8StringCodec],
  [
    "room_descriptions",
    vector(
      struct("RichDescription", [
        ["media_type", utf8String],
        ["language_tag", utf8String],
        ["description_content", opaque],
      ]),
    ),
  ],
  ["room_avatar", uriCodec],
  ["room_subject", utf8StringCodec],
  ["room_mood", utf8StringCodec],
]);

/** Encode a `RoomMetaData` (also a `RoomMetaUpdate`). @throws ValidationError as {@link checkRoomMetaData}. */
export function encodeRoomMetaData(m: RoomMetaData): Uint8Array {
  checkRoomMetaData(m);
  return encodeWith(roomMetaDataCodec, m);
}

/** Decode a `RoomMetaData`. @throws CodecError (including invalid UTF-8); ValidationError. */
export function decodeRoomMetaData(bytes: Uint8Array): RoomMetaData {
  const m: RoomMetaData = decodeWith(roomMetaDataCodec, bytes);
  checkRoomMetaData(m);
  return m;
}

/**
 * The `room_metadata` component logic for {@link applyAppDataUpdates}: a `RoomMetaUpdate` is
 * a full replacement, and a commit carries at most one.
 *
 * @throws ValidationError (`MLS-META-01`) for more than one update; CodecError or
 * ValidationError for an invalid `RoomMetaData`.
 */
export function roomMetadataHandler(): ComponentUpdateHandler {
  return (_current, updates) => {
    // [MLS-META-01] draft-ietf-mimi-protocol-06 §7.6: only one room metadata update per commit.
    if (updates.length !== 1) {
      throw new ValidationError(`${updates.length} room_metadata updates in one commit`, {
        path: "/",
        rule: "MLS-META-01",
      });
    }
    const update = updates[0]!;
    decodeRoomMetaData(update);
    return update;
  };
}
