import { compareBytes } from "@mimi/wire";

/** A received message as far as ordering is concerned. */
export interface Ordered {
  /** The hub's accepted timestamp, milliseconds since the UNIX epoch (§3.4). */
  readonly acceptedTimestamp: number;
  readonly messageId: Uint8Array;
}

/**
 * The order of messages (§3.4, §5.11): by accepted timestamp; equal timestamps sort the lexically
 * lowest message ID first.
 */
export function compareAccepted(a: Ordered, b: Ordered): number {
  // [CONTENT-ORDER-01] draft-ietf-mimi-content-08 §5.11: sort by timestamp; if equal, the lexically lowest message ID sorts earlier.
  if (a.acceptedTimestamp !== b.acceptedTimestamp) return a.acceptedTimestamp < b.acceptedTimestamp ? -1 : 1;
  return compareBytes(a.messageId, b.messageId);
}

/** A sorted copy of `messages` (see {@link compareAccepted}). */
export function sortByAccepted<T extends Ordered>(messages: readonly T[]): T[] {
  return [...messages].sort(compareAccepted);
}
