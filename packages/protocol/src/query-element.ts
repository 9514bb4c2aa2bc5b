import { type Codec, enumeration, select, utf8String } from "@mimi/wire";
/**
 * draft-ietf-mimi-protocol-06 §5.8 `SearchIdentifierType`:
 *
 * ```tls
 * enum {
 *   reserved(0),
 *   handle(1),
 *   nick(2),
 *   email(3),
 *   phone(4),
 *   partialName(5),
 *   wholeProfile(6),
 *   oidcStdClaim(7),
 *   vcardField(8),
 *   (255)
 * } SearchIdentifierType;
 * ```
 */
export const searchIdentifierTypes = {
  reserved: 0,
  handle: 1,
  nick: 2,
  email: 3,
  phone: 4,
  partialName: 5,
  wholeProfile: 6,
  oidcStdClaim: 7,
  vcardField: 8,
} as const;
/** A `SearchIdentifierType` name, or an unassigned code point. */
export type SearchIdentifierType = keyof typeof searchIdentifierTypes | number;

/**
 * draft-ietf-mimi-protocol-06 §5.8 `QueryElement` (`select(type)` read as
 * `select(searchType)`, DI-PROTO-11; `claimName` and `propertyName` are names, read as UTF-8 like
 * `searchValue`):
 *
 * ```tls
 * struct {
 *   SearchIdentifierType searchType;
 *   select(type) {
 *     case oidcStdClaim:
 *       opaque claimName<V>;
 *     case vcardField:
 *       opaque propertyName<V>;
 *   };
 *   opaque searchValue<V>;  /* a UTF8 string *\/
 * } QueryElement;
 * ```
 */
export type QueryElement =
  | { readonly searchType: "oidcStdClaim"; readonly claimName: string; readonly searchValue: string }
  | { readonly searchType: "vcardField"; readonly propertyName: string; readonly searchValue: string }
  | {
      readonly searchType: Exclude<SearchIdentifierType, "oidcStdClaim" | "vcardField">;
      readonly searchValue: string;
    };

/** The `QueryElement` codec. */
export const queryElementCodec: Codec<QueryElement> = select("QueryElement", {
  head: [["searchType", enumeration("SearchIdentifierType", searchIdentifierTypes)]],
  on: "searchType",
  arms: {
    oidcStdClaim: [["claimName", utf8String]],
    vcardField: [["propertyName", utf8String]],
  },
  otherwise: [],
  tail: [["searchValue", utf8String]],
});
