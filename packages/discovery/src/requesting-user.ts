/**
 * How a sender who opts in to being named (to reach a `contacts` handle, decision 0708) is named
 * on the wire: one `ComponentData` of the §5.8 `id_request_extensions` (decision 0710).
 */
import { parseMimiUri, type UserUri } from "@mimi/identifiers";
import type { AppDataDictionary, ComponentData } from "@mimi/mls-profile";
import { decodeIdentifierUri, encodeIdentifierUri } from "@mimi/protocol";
import { ValidationError } from "@mimi/wire";

/**
 * The component ID of the requesting user in `id_request_extensions`: private use
 * (draft-ietf-mls-extensions: 0x8000–0xFFFF) until a MIMI registration exists (decision 0710).
 */
export const REQUESTING_USER_COMPONENT = 0xd15c;

/** The `ComponentData` naming the requesting user: its URI as a protocol-06 `IdentifierUri`. */
export function requestingUserComponent(user: UserUri): ComponentData {
  return { component_id: REQUESTING_USER_COMPONENT, data: encodeIdentifierUri({ uri: user }) };
}

/**
 * The requesting user named in a request's extensions, if any. The requesting provider (the
 * mutual-TLS peer) vouches only for its own users.
 * @throws ValidationError `DISC-R6-02` when the component is repeated, undecodable, not a user URI,
 * or names a user of another domain than `peerDomain`.
 */
export function requestingUserOf(extensions: AppDataDictionary, peerDomain: string): UserUri | undefined {
  const found = extensions.component_data.filter((c) => c.component_id === REQUESTING_USER_COMPONENT);
  if (found.length === 0) return undefined;
  const fail = (what: string): never => {
    // [DISC-R6-02] draft-ietf-mimi-user-discovery-reqs §5 R6 (decision 0710): a requesting user is named at most once, as a user URI of the requesting provider's own domain
    throw new ValidationError(what, { path: "/id_request_extensions", rule: "DISC-R6-02" });
  };
  if (found.length > 1) fail("the requesting user is named more than once");
  let uri: string;
  try {
    uri = decodeIdentifierUri((found[0] as ComponentData).data).uri;
  } catch {
    return fail("the requesting user component is not an IdentifierUri");
  }
  let parsed: ReturnType<typeof parseMimiUri>;
  try {
    parsed = parseMimiUri(uri);
  } catch {
    return fail("the requesting user is not a mimi: URI");
  }
  if (parsed.kind !== "u") fail("the requesting user is not a user URI");
  if (parsed.domain !== peerDomain) fail(`the requesting user is not a user of ${peerDomain}`);
  return parsed.uri as UserUri;
}
