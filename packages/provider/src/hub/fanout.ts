/**
 * The hub's fanout loop (draft-ietf-mimi-protocol-06 §5.5): whenever the hub accepts something in
 * a room, deliver the room log to every provider the room's events go to, one delivery at a time
 * per (room, provider), with retries. Our own domain is delivered locally into `follower_inbox`.
 * At start every hosted room is scheduled, so what was accepted before a restart is delivered.
 */
import { type FanoutSender, type FanoutSenderOptions, makeFanoutSender } from "../server/fanout-sender.js";
import { errorFields } from "../server/log.js";
import type { Hub } from "./hub.js";
import { eventsWithTargetsAfter } from "./store.js";

/** Options of {@link startHubFanout}. */
export interface HubFanoutOptions {
  /** The client of the peers and the batch limits (as {@link makeFanoutSender} takes them). */
  readonly sender: Omit<FanoutSenderOptions, "db" | "domain" | "eventsWithTargets">;
  /** Consecutive failures before a delivery round gives up and is rescheduled (default 6). */
  readonly maxAttempts?: number;
  /** First back-off delay in ms (default 100; doubles per failure, at least `Retry-After`). */
  readonly baseDelayMs?: number;
  /** Delay before a round that gave up is tried again, in ms (default 5000). */
  readonly retryDelayMs?: number;
  /** How long a delivery waits for more events before its first /notify, in ms (default 2). */
  readonly lingerMs?: number;
}

/** A running fanout loop. */
export interface HubFanout {
  /**
   * Schedule delivery of a room to `domains`, or to all its peers (done automatically after every
   * accepted write).
   */
  kick(roomId: string, domains?: readonly string[]): void;
  /** Resolves when nothing is being delivered or waiting (for tests and shutdown). */
  idle(): Promise<void>;
  /** Stop scheduling, wait for deliveries in flight, close connections. */
  stop(): Promise<void>;
  readonly sender: FanoutSender;
}

/** Start delivering a hub's rooms to their peers. */
export function startHubFanout(hub: Hub, options: HubFanoutOptions): HubFanout {
  const sender = makeFanoutSender({
    ...options.sender,
    db: hub.db,
    domain: hub.domain,
    // what this process just wrote comes from memory (decision 0658), the rest from the log
    eventsWithTargets: async (roomId, after, limit) =>
      recent.after(roomId, after, limit) ?? (await eventsWithTargetsAfter(hub.db, roomId, after, limit)),
  });
  const recent = hub.recent;
  const running = new Map<string, Promise<void>>();
  const dirty = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  let pendingKicks = 0;
  const lingerMs = options.lingerMs ?? 2;

  const deliver = async (roomId: string, peer: string): Promise<void> => {
    try {
      // the durable cursor follows behind; it is flushed when the run ends (decision 0659)
      await sender.deliverAll(roomId, peer, {
        maxAttempts: options.maxAttempts ?? 6,
        baseDelayMs: options.baseDelayMs ?? 100,
        flush: false,
      });
    } catch (e) {
      hub.log({ level: "warn", msg: "fanout failed, retrying later", room: roomId, peer, error: String(e) });
      if (!stopped) {
        const t = setTimeout(() => {
          timers.delete(t);
          schedule(roomId, peer);
        }, options.retryDelayMs ?? 5000);
        timers.add(t);
      }
    }
  };

  const schedule = (roomId: string, peer: string): void => {
    if (stopped) return;
    const key = `${roomId}\u0000${peer}`;
    if (running.has(key)) {
      dirty.add(key);
      return;
    }
    const run = (async () => {
      // A short linger lets the messages accepted meanwhile go in the same /notify body.
      await new Promise((r) => setTimeout(r, lingerMs));
      // A kick while the cursor is being flushed marks the key dirty again: deliver once more.
      do {
        do {
          dirty.delete(key);
          await deliver(roomId, peer);
        } while (dirty.has(key) && !stopped);
        await sender.flushCursor(roomId, peer).catch((e: unknown) => {
          hub.log({
            level: "warn",
            msg: "fanout: cannot write the cursor",
            room: roomId,
            peer,
            error: String(e),
          });
        });
      } while (dirty.has(key) && !stopped);
    })().finally(() => running.delete(key));
    running.set(key, run);
  };

  // One peer-list read at a time per room: kicks that arrive meanwhile are folded into one more.
  const kicking = new Map<string, boolean>();
  const kick = (roomId: string, domains?: readonly string[]): void => {
    if (stopped) return;
    // The domains the events just written go to (the group commit knows them): no read needed.
    if (domains !== undefined) {
      for (const d of domains) schedule(roomId, d);
      return;
    }
    if (kicking.has(roomId)) {
      kicking.set(roomId, true);
      return;
    }
    kicking.set(roomId, false);
    pendingKicks++;
    hub
      .roomPeers(roomId)
      .then(
        (peers) => {
          for (const p of peers) schedule(roomId, p);
        },
        (e) =>
          hub.log({ level: "error", msg: "fanout: cannot read room peers", room: roomId, ...errorFields(e) }),
      )
      .finally(() => {
        const again = kicking.get(roomId) === true;
        kicking.delete(roomId);
        pendingKicks--;
        if (again) kick(roomId);
      });
  };

  const unsubscribe = hub.onAccepted(kick);
  const started = hub.rooms().then(
    (rooms) => {
      for (const r of rooms) kick(r);
    },
    (e) => hub.log({ level: "error", msg: "fanout: cannot list rooms", ...errorFields(e) }),
  );

  const idle = async (): Promise<void> => {
    await started;
    // Let kicks resolve their peer lists, then wait for every delivery (and re-runs) to finish.
    for (;;) {
      await new Promise((r) => setTimeout(r, 2));
      if (running.size === 0 && pendingKicks === 0) return;
      await Promise.all([...running.values()]);
    }
  };

  return {
    kick,
    idle,
    sender,
    async stop() {
      stopped = true;
      unsubscribe();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await started;
      await Promise.all([...running.values()]);
      sender.close();
    },
  };
}
