/**
 * The component logic of MIMI's GroupContext components, ready for {@link applyAppDataUpdates}.
 */
import type { ComponentHandlers } from "../extensions/apply-app-data-updates.js";
import { type CodePoints, defaultCodePoints } from "../extensions/code-points.js";
import { type ParticipantListOptions, participantListHandler } from "./apply-participant-list-update.js";
import { frankingAgentHandler } from "./franking-agent-data.js";
import { roomMetadataHandler } from "./room-metadata.js";

/**
 * Handlers for `participant_list`, `room_metadata` and `franking_agent` under `codePoints`.
 * Other components are unknown (an AppDataUpdate for one is invalid, MLS-EXT-03).
 */
export function mimiComponentHandlers(
  options: ParticipantListOptions = {},
  codePoints: CodePoints = defaultCodePoints,
): ComponentHandlers {
  return new Map([
    [codePoints.componentIds.participant_list, participantListHandler(options)],
    [codePoints.componentIds.room_metadata, roomMetadataHandler()],
    [codePoints.componentIds.franking_agent, frankingAgentHandler()],
  ]);
}
