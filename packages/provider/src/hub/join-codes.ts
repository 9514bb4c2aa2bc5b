/**
 * Joining codes (draft-ietf-mimi-protocol-06 §5.6 `GroupInfoRequest.joiningCode`;
 * draft-ietf-mimi-room-policy-03 §8.1.1 `canUseJoinCode`, §10.2 `canCreateJoinCode`): a participant
 * whose role allows it has the hub issue a code for a target role; a non-participant presenting it
 * gets the room's GroupInfo, and its external commit is authorized with that role. Formats and
 * flow are this project's (decision 0661).
 */
import { createHash } from "node:crypto";
import { type RoleData, type RoomState, roleCapabilities } from "@mimi/room-policy";
import { toHex, ValidationError } from "@mimi/wire";
import type { SqlExecutor } from "../storage/database.js";
import type { Hub } from "./hub.js";
import { roomStateOf } from "./room-policy.js";
import { deleteJoinCodeRow, insertJoinCode, joinCodeRow, joinGrant, upsertJoinGrant } from "./store.js";

/** What {@link createJoinCode} needs. */
export interface JoinCodeInput {
  readonly roomId: string;
  /** The client URI of the participant asking for the code (authenticated by our client API). */
  readonly creatorClient: string;
  /** The role the code admits to (non-zero). */
  readonly role_index: number;
  /** Expiry, ms since the UNIX epoch. */
  readonly expiresAt: number;
  /** How many external joins it authorizes (default 1). */
  readonly maxUses?: number;
}

/** A code as the hub keeps it (only its SHA-256 is stored). */
export interface StoredJoinCode {
  readonly codeHash: Uint8Array;
  readonly role_index: number;
}

const hashOf = (code: Uint8Array): Uint8Array => new Uint8Array(createHash("sha256").update(code).digest());

/**
 * [PROTO-JC-02] draft-ietf-mimi-room-policy-03 §8.1.1: a code admits to a "valid target role": role
 * 0 holds `canUseJoinCode` and its `authorized_role_changes` entry from 0 lists the role (decision
 * 0306), checked when the code is issued and again whenever it is used.
 */
export function joinCodeRoleValid(roles: RoleData, role_index: number): boolean {
  const zero = roles.roles.find((r) => r.role_index === 0);
  if (zero === undefined || role_index === 0) return false;
  return (
    zero.role_capabilities.includes(roleCapabilities.canUseJoinCode) &&
    zero.authorized_role_changes.some(
      (c) => c.from_role_index === 0 && c.target_role_indexes.includes(role_index),
    )
  );
}

/**
 * Issue a joining code for a hosted room: 16 random bytes, returned once; the hub stores their
 * SHA-256 with the role, the expiry and the number of uses left.
 *
 * @throws ValidationError when the room is not hosted, the creator is not an active participant
 * whose role holds `canCreateJoinCode` (PROTO-JC-01), the role is not a valid target (PROTO-JC-02),
 * or the expiry or use count is out of range.
 */
export async function createJoinCode(hub: Hub, input: JoinCodeInput): Promise<Uint8Array> {
  const room = await hub.room(input.roomId);
  if (room === undefined) throw new ValidationError(`no room ${input.roomId}`, { path: "/roomId" });
  const state = roomStateOf(room.view, hub.options.defaultRoles);
  // [PROTO-JC-01] draft-ietf-mimi-room-policy-03 §10.2: a code is issued only to a client in the
  // room's group whose user is a participant with a role holding canCreateJoinCode (decision 0661).
  const member = state.clients.find((c) => c.client === input.creatorClient);
  const entry = state.participants.find((p) => p.user === member?.user);
  const role = state.roles.roles.find((r) => r.role_index === entry?.role_index);
  if (
    member === undefined ||
    role === undefined ||
    !role.role_capabilities.includes(roleCapabilities.canCreateJoinCode)
  )
    throw new ValidationError(`${input.creatorClient} may not create joining codes for ${input.roomId}`, {
      path: "/creatorClient",
      rule: "PROTO-JC-01",
    });
  if (!joinCodeRoleValid(state.roles, input.role_index))
    throw new ValidationError(`role ${input.role_index} is not a join-code target of the room`, {
      path: "/role_index",
      rule: "PROTO-JC-02",
    });
  const maxUses = input.maxUses ?? 1;
  if (!Number.isSafeInteger(maxUses) || maxUses < 1 || maxUses > 1_000_000)
    throw new ValidationError("maxUses must be 1 to 1000000", { path: "/maxUses" });
  if (!Number.isSafeInteger(input.expiresAt) || input.expiresAt <= hub.now())
    throw new ValidationError("the code must expire in the future", { path: "/expiresAt" });
  const code = globalThis.crypto.getRandomValues(new Uint8Array(16));
  await insertJoinCode(hub.options.db, {
    roomId: input.roomId,
    codeHash: hashOf(code),
    role_index: input.role_index,
    createdBy: input.creatorClient,
    createdAt: hub.now(),
    expiresAt: input.expiresAt,
    usesLeft: maxUses,
  });
  return code;
}

/**
 * Revoke a code (only its creator, or a participant whose role holds `canDeleteJoinCode`). Returns
 * whether a code was removed.
 */
export async function deleteJoinCode(
  hub: Hub,
  roomId: string,
  code: Uint8Array,
  client: string,
): Promise<boolean> {
  const room = await hub.room(roomId);
  if (room === undefined) return false;
  const state = roomStateOf(room.view, hub.options.defaultRoles);
  const member = state.clients.find((c) => c.client === client);
  const entry = state.participants.find((p) => p.user === member?.user);
  const role = state.roles.roles.find((r) => r.role_index === entry?.role_index);
  const mayDelete = role?.role_capabilities.includes(roleCapabilities.canDeleteJoinCode) === true;
  return deleteJoinCodeRow(hub.options.db, roomId, hashOf(code), client, mayDelete && member !== undefined);
}

/** A code that is known, unexpired, not used up and still admits to a valid role. */
async function usableCode(
  db: SqlExecutor,
  roomId: string,
  codeHash: Uint8Array,
  state: RoomState,
  now: number,
): Promise<StoredJoinCode | undefined> {
  const row = await joinCodeRow(db, roomId, codeHash);
  if (row === undefined) return undefined;
  const role_index = row.role_index;
  // [PROTO-JC-03] draft-ietf-mimi-protocol-06 §5.6: a joining code authorizes nothing once expired
  // or used up (decision 0661).
  if (row.expiresAt <= BigInt(now) || row.usesLeft < 1) return undefined;
  if (!joinCodeRoleValid(state.roles, role_index)) return undefined;
  return { codeHash, role_index };
}

/**
 * `/groupInfo` with a joining code: when the code is usable, remember that the requesting client
 * (its signature key and client URI) may join by external commit with it, and answer true.
 */
export async function grantJoinByCode(
  db: SqlExecutor,
  roomId: string,
  code: Uint8Array,
  requester: { readonly signatureKey: Uint8Array; readonly clientUri: string },
  state: RoomState,
  now: number,
): Promise<boolean> {
  const codeHash = hashOf(code);
  const usable = await usableCode(db, roomId, codeHash, state, now);
  if (usable === undefined) return false;
  await upsertJoinGrant(db, roomId, codeHash, requester);
  return true;
}

/**
 * The code an external joiner was granted at `/groupInfo` (matched by the signature key of its new
 * leaf and its client URI), if it is still usable.
 */
export async function grantedJoinCode(
  db: SqlExecutor,
  roomId: string,
  joiner: { readonly signatureKey: Uint8Array; readonly clientUri: string },
  state: RoomState,
  now: number,
): Promise<StoredJoinCode | undefined> {
  const grant = await joinGrant(db, roomId, joiner.signatureKey);
  if (grant === undefined || grant.clientUri !== joiner.clientUri) return undefined;
  return usableCode(db, roomId, grant.codeHash, state, now);
}

/** The engine's name for a stored code (its hash in hex; the code itself is never kept). */
export function policyCodeName(code: StoredJoinCode): string {
  return toHex(code.codeHash);
}
