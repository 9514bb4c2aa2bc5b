/**
 * The client-side facade used by the transport and the demo: a room's group through MIMI's
 * profile of MLS.
 *
 * @packageDocumentation
 */
export { checkCommitProposals } from "./commit-policy.js";
export {
  type CommitRefusal,
  type IncomingCommit,
  type MembershipChange,
  type ProcessIncomingOptions,
  processIncoming,
  type RoomEvent,
  type SentMessage,
  sendContent,
} from "./messages.js";
export {
  type AddUserOptions,
  addUser,
  addUsers,
  type CreateRoomOptions,
  changeRole,
  commitPending,
  createRoom,
  type ExternalJoinRoomOptions,
  joinRoom,
  joinRoomExternal,
  type LeaveRoomOptions,
  leaveRoom,
  participantListProposal,
  type RoomCommit,
  removeUser,
} from "./operations.js";
export {
  type MimiProfile,
  type MimiProfileOptions,
  mimiCapabilities,
  mimiProfile,
  mimiProposalHandler,
  mimiRequiredCapabilities,
} from "./profile.js";
export {
  checkRoomExternalSenders,
  clientsOfUser,
  memberOf,
  participantListIn,
  participantListOf,
  type RoomMember,
  roomMembers,
  roomMetadataOf,
} from "./room-state.js";
