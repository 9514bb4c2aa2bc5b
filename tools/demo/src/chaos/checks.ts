/**
 * The goals of a chaos run, as pure functions over its logs: what each sender sent (and whether
 * the hub acknowledged it) and what each client received, in order. Cheap to test with a made-up
 * log that breaks one goal.
 */

/** One message a load client sent: its tag is `(room, sender, seq)`, seq counting up per sender and room. */
export interface SentMessage {
  readonly room: string;
  /** The sending client. */
  readonly sender: string;
  readonly seq: number;
  /** When the send started (ms on the run's clock). */
  readonly at: number;
  /** When the hub's acceptance came back; undefined when the send failed (not acknowledged). */
  readonly ackedAt?: number;
  /** The clients that must receive it (the room's other members when it was sent). */
  readonly receivers: readonly string[];
}

/** One message a client received, in the order it received them. */
export interface Delivery {
  readonly client: string;
  readonly room: string;
  readonly sender: string;
  readonly seq: number;
  /** When it arrived (ms on the run's clock). */
  readonly at: number;
}

/** One goal's count and, for a failure, the first few examples. */
export interface GoalCount {
  readonly count: number;
  readonly examples: readonly string[];
}

const key = (room: string, sender: string, seq: number): string => `${room} ${sender} #${seq}`;

function counted(examples: string[], count: number): GoalCount {
  return { count, examples: examples.slice(0, 5) };
}

/**
 * Acknowledged messages that some receiver never got (goal 0): one per message, whichever
 * receivers miss it.
 */
export function lostMessages(sent: readonly SentMessage[], deliveries: readonly Delivery[]): GoalCount {
  const got = new Set(deliveries.map((d) => `${d.client}|${key(d.room, d.sender, d.seq)}`));
  const examples: string[] = [];
  let count = 0;
  for (const m of sent) {
    if (m.ackedAt === undefined) continue;
    const missing = m.receivers.filter((r) => !got.has(`${r}|${key(m.room, m.sender, m.seq)}`));
    if (missing.length > 0) {
      count++;
      examples.push(`${key(m.room, m.sender, m.seq)} never reached ${missing.join(", ")}`);
    }
  }
  return counted(examples, count);
}

/** Messages a client received more than once (goal 0): one per extra copy. */
export function duplicateDeliveries(deliveries: readonly Delivery[]): GoalCount {
  const seen = new Set<string>();
  const examples: string[] = [];
  let count = 0;
  for (const d of deliveries) {
    const k = `${d.client}|${key(d.room, d.sender, d.seq)}`;
    if (seen.has(k)) {
      count++;
      examples.push(`${d.client} got ${key(d.room, d.sender, d.seq)} again`);
    }
    seen.add(k);
  }
  return counted(examples, count);
}

/**
 * Per-room order violations (goal 0): a client that received a sender's message after a later
 * one of the same sender in the same room (each sender sends one message at a time, so the hub's
 * order of its messages is its sending order), or two clients that received two messages of a
 * room in opposite orders (the hub orders a room's messages once for everyone). One per
 * out-of-order pair of neighbours.
 */
export function orderViolations(deliveries: readonly Delivery[]): GoalCount {
  const examples: string[] = [];
  let count = 0;
  // per client and room: the sequence it received (first copy of each message)
  const lists = new Map<string, Map<string, string[]>>();
  const lastSeq = new Map<string, number>();
  for (const d of deliveries) {
    const k = key(d.room, d.sender, d.seq);
    const perRoom = lists.get(d.room) ?? new Map<string, string[]>();
    lists.set(d.room, perRoom);
    const list = perRoom.get(d.client) ?? [];
    perRoom.set(d.client, list);
    if (list.includes(k)) continue;
    list.push(k);
    const sk = `${d.client}|${d.room}|${d.sender}`;
    const before = lastSeq.get(sk);
    if (before !== undefined && d.seq < before) {
      count++;
      examples.push(`${d.client} got ${k} after #${before} of the same sender`);
    }
    lastSeq.set(sk, Math.max(before ?? d.seq, d.seq));
  }
  for (const [room, perRoom] of lists) {
    const clients = [...perRoom.keys()].sort();
    for (let i = 0; i < clients.length; i++) {
      const a = perRoom.get(clients[i]!)!;
      for (let j = i + 1; j < clients.length; j++) {
        const b = perRoom.get(clients[j]!)!;
        const position = new Map(b.map((k, n) => [k, n]));
        let previous = -1;
        let previousKey = "";
        for (const k of a) {
          const p = position.get(k);
          if (p === undefined) continue;
          if (p < previous && !sameSender(k, previousKey)) {
            count++;
            examples.push(`in ${room}, ${clients[i]} got ${previousKey} before ${k}, ${clients[j]} after`);
          }
          previous = p;
          previousKey = k;
        }
      }
    }
  }
  return counted(examples, count);
}

/** Two keys of the same room and sender (their order is the per-sender check's business). */
function sameSender(a: string, b: string): boolean {
  return a.slice(0, a.lastIndexOf(" #")) === b.slice(0, b.lastIndexOf(" #"));
}

/**
 * Milliseconds from `healedAt` until every receiver had every message acknowledged up to
 * `healedAt` (0 when they all had them already; undefined when some never arrived).
 */
export function catchUpMs(
  sent: readonly SentMessage[],
  deliveries: readonly Delivery[],
  healedAt: number,
): number | undefined {
  const when = new Map<string, number>();
  for (const d of deliveries) {
    const k = `${d.client}|${key(d.room, d.sender, d.seq)}`;
    if (!when.has(k)) when.set(k, d.at);
  }
  let last = healedAt;
  for (const m of sent) {
    if (m.ackedAt === undefined || m.ackedAt > healedAt) continue;
    for (const r of m.receivers) {
      const at = when.get(`${r}|${key(m.room, m.sender, m.seq)}`);
      if (at === undefined) return undefined;
      last = Math.max(last, at);
    }
  }
  return last - healedAt;
}

/** 5xx answers a client saw. */
export interface ServerErrorAnswer {
  readonly client: string;
  readonly status: number;
  readonly at: number;
  readonly what: string;
}

/**
 * 5xx answers to well-formed requests (goal 0): every 5xx a client saw, except a gateway answer
 * (502, 504: the peer the request needed could not be reached) while the fault that cuts that peer
 * off is on (`excused`). A 500 or 503 from a provider always counts.
 */
export function serverErrors(
  answers: readonly ServerErrorAnswer[],
  excused: (a: ServerErrorAnswer) => boolean,
): GoalCount & { readonly excused: number } {
  const examples: string[] = [];
  let count = 0;
  let excusedCount = 0;
  for (const a of answers) {
    if ((a.status === 502 || a.status === 504) && excused(a)) {
      excusedCount++;
      continue;
    }
    count++;
    examples.push(`${a.client}: ${a.status} ${a.what}`);
  }
  return { ...counted(examples, count), excused: excusedCount };
}
