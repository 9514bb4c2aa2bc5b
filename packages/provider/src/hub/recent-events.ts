/**
 * The tail of each busy room's log that this hub process has just written (decision 0658): the
 * fanout reads the events it is about to send from here instead of reading back the rows it wrote
 * a moment ago. Only a contiguous run of positions is kept, so an event written by another path
 * or another process (a commit, a second hub process) leaves a gap and the fanout reads the
 * database instead: the cache can make a read cheaper, never different.
 */
import type { RoomEvent } from "../storage/room-log.js";

/** A room event with the domains it goes to (`undefined`: every follower). */
export type TargetedEvent = RoomEvent & { readonly domains?: readonly string[] };

/** Limits of {@link RecentEvents}. */
export interface RecentEventsLimits {
  /** Events kept per room (default 2,048). */
  readonly events?: number;
  /** Body bytes kept per room (default 2 MiB). */
  readonly bytes?: number;
  /** Rooms kept, the least recently written dropped first (default 256). */
  readonly rooms?: number;
}

interface Tail {
  events: TargetedEvent[];
  bytes: number;
}

/** The recently written tail of each room's log, in memory. */
export class RecentEvents {
  readonly #rooms = new Map<string, Tail>();
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  readonly #maxRooms: number;

  constructor(limits: RecentEventsLimits = {}) {
    this.#maxEvents = limits.events ?? 2048;
    this.#maxBytes = limits.bytes ?? 2 * 1024 * 1024;
    this.#maxRooms = limits.rooms ?? 256;
  }

  /** Remember events just written durably: one room's, in ascending, gapless positions. */
  add(events: readonly TargetedEvent[]): void {
    const first = events[0];
    if (first === undefined) return;
    const roomId = first.roomId;
    let tail = this.#rooms.get(roomId);
    this.#rooms.delete(roomId);
    const last = tail?.events.at(-1);
    // a gap (written elsewhere): start again from these events
    if (tail === undefined || last === undefined || last.seq + 1n !== first.seq)
      tail = { events: [], bytes: 0 };
    for (const e of events) {
      tail.events.push(e);
      tail.bytes += e.body.length;
    }
    let drop = 0;
    while (
      drop < tail.events.length - 1 &&
      (tail.events.length - drop > this.#maxEvents || tail.bytes > this.#maxBytes)
    ) {
      tail.bytes -= tail.events[drop]!.body.length;
      drop++;
    }
    if (drop > 0) tail.events.splice(0, drop);
    this.#rooms.set(roomId, tail);
    while (this.#rooms.size > this.#maxRooms) this.#rooms.delete(this.#rooms.keys().next().value!);
  }

  /**
   * The events after position `afterSeq`, at most `limit`, when this tail holds the very next one;
   * otherwise undefined (read the database). Never an empty answer: past the tail, only the
   * database knows whether more was written. The answer may stop at the tail while the log
   * already holds more (written by another path or process): whoever wrote those kicks the
   * fanout, whose next round starts past the tail and reads them from the database.
   */
  after(roomId: string, afterSeq: bigint, limit: number): TargetedEvent[] | undefined {
    const tail = this.#rooms.get(roomId);
    const first = tail?.events[0];
    if (tail === undefined || first === undefined) return undefined;
    const i = afterSeq + 1n - first.seq;
    if (i < 0n || i >= BigInt(tail.events.length)) return undefined;
    return tail.events.slice(Number(i), Number(i) + limit);
  }

  /** Rooms held (for tests). */
  get size(): number {
    return this.#rooms.size;
  }
}
