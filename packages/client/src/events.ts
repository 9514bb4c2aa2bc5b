/**
 * What the SDK reports while it consumes a client's inbox (FanoutMessages and Welcomes,
 * draft-ietf-mimi-protocol-06 §5.5) and answers of the hub.
 */
import type { MimiContent } from "@mimi/content";
import type { MimiError } from "@mimi/wire";

/** A participant-list change of a commit, with the user as a string. */
export interface ParticipantChange {
  readonly kind: "add" | "remove" | "role";
  readonly user: string;
  /** The new role (add, role) or the old one (remove). */
  readonly role: number;
}

/** A decrypted, authenticated MIMI content message of a room. */
export interface IncomingMessage {
  /** Lowercase hex message ID (draft-ietf-mimi-content-08 §3.3). */
  readonly messageId: string;
  /** The sender's user URI from its authenticated MLS credential. */
  readonly senderUri: string;
  /** The sender's client URI. */
  readonly senderClient: string;
  /** The hub's accepted timestamp (ms). */
  readonly acceptedTimestamp: number;
  readonly content: MimiContent;
  /** The exact `application/mimi-content` bytes. */
  readonly bytes: Uint8Array;
  /** Whether the hub attached a Frank (protocol-06 §5.4.1). */
  readonly franked: boolean;
}

/** One event of a client. */
export type ClientEvent =
  | {
      readonly kind: "joined";
      readonly roomUri: string;
      readonly epoch: bigint;
      readonly via: "create" | "welcome" | "externalCommit";
    }
  | { readonly kind: "message"; readonly roomUri: string; readonly message: IncomingMessage }
  | {
      readonly kind: "commit";
      readonly roomUri: string;
      readonly epoch: bigint;
      /** True for this client's own commit, applied once the hub accepted it. */
      readonly own: boolean;
      /** Client URIs added and removed. */
      readonly added: readonly string[];
      readonly removed: readonly string[];
      readonly participants: readonly ParticipantChange[];
      /** True when this client was removed: the room is then inactive. */
      readonly removedSelf: boolean;
    }
  | {
      readonly kind: "proposal";
      readonly roomUri: string;
      /** The proposal types (`add`, `remove`, or a number for a non-default type). */
      readonly proposals: readonly (string | number)[];
    }
  | {
      /** The item was correctly recognised and needs no processing (e.g. the echo of our own message). */
      readonly kind: "ignored";
      readonly roomUri: string;
      readonly reason: string;
    }
  | {
      /** The item failed a check and was dropped (the error says which). */
      readonly kind: "rejected";
      readonly roomUri: string;
      readonly error: MimiError;
    };
