/**
 * Benchmarks of the room-policy package, each against a baseline measured in the same run:
 *
 * - decoding and encoding the Appendix A multi-organization `RoleData` (the largest example),
 *   against the generic wire codec reading the same bytes as a vector of opaque role bodies;
 * - `authorize` on a 1,000-participant cooperative room (an addition with its client, the
 *   commonest membership change), against one pass that only copies the participant list into a
 *   map (the least work any authorizer must do).
 */

import { type BenchArea, opsPerSecond, throughputMetric } from "@mimi/testkit";
import { decodeTls } from "@mimi/wire";
import {
  authorize,
  cooperativeRoles,
  decodeRoleData,
  encodeRoleData,
  multiOrgRoles,
  type ProposedChange,
  type RoomState,
} from "../src/index.js";

function bigRoom(n: number): RoomState {
  const participants = Array.from({ length: n }, (_, i) => ({
    user: `mimi://example.com/u/user${i}`,
    role_index: i === 0 ? 4 : i === 1 ? 3 : i === 2 ? 5 : 2,
  }));
  const clients = participants
    .filter((p) => p.role_index !== 5)
    .map((p, i) => ({ client: `mimi://example.com/d/user${i}/c`, user: p.user }));
  return { roles: cooperativeRoles, participants, clients };
}

export const bench: BenchArea = {
  area: "room-policy",
  async run({ quick, progress }) {
    const minTimeMs = quick ? 150 : 500;
    const runs = quick ? 3 : 5;
    const opts = { minTimeMs, runs };
    const bytes = encodeRoleData(multiOrgRoles);

    progress?.("baseline: generic vector read");
    const generic = throughputMetric(
      "roleData.genericVectorRead.opsPerSec",
      await opsPerSecond(() => decodeTls(bytes, (r) => r.opaque()), opts),
    );
    progress?.("decode RoleData");
    const decode = throughputMetric(
      "roleData.decode.opsPerSec",
      await opsPerSecond(() => decodeRoleData(bytes), opts),
      generic,
    );
    progress?.("encode RoleData");
    const encode = throughputMetric(
      "roleData.encode.opsPerSec",
      await opsPerSecond(() => encodeRoleData(multiOrgRoles), opts),
      generic,
    );

    const state = bigRoom(1000);
    const change: ProposedChange = {
      actor: { user: state.participants[5]!.user, client: state.clients[4]!.client },
      participantList: {
        changedRoleParticipants: [],
        removedIndices: [],
        addedParticipants: [{ user: "mimi://example.com/u/newcomer", role_index: 2 }],
      },
      adds: [{ client: "mimi://example.com/d/newcomer/c", user: "mimi://example.com/u/newcomer" }],
    };
    if (!authorize(state, change).allowed) throw new Error("benchmark change must be allowed");
    progress?.("baseline: index the participant list");
    const index = throughputMetric(
      "authorize.baselineIndexList.opsPerSec",
      await opsPerSecond(() => new Map(state.participants.map((p) => [p.user, p.role_index])), opts),
    );
    progress?.("authorize");
    const auth = throughputMetric(
      "authorize.add1000.opsPerSec",
      await opsPerSecond(() => authorize(state, change), opts),
      index,
    );
    return { area: "room-policy", metrics: [generic, decode, encode, index, auth] };
  },
};
