/**
 * A separate process for the cross-process ordering test: it connects to the PostgreSQL URL in
 * argv[2] and races to commit every epoch of room argv[3] up to argv[4], interleaving application
 * messages; it prints the epochs it won and the appends it made as JSON.
 */
import { openDatabase } from "../../src/storage/database.js";
import { acceptCommit, appendToEpoch } from "../../src/storage/room-log.js";

const [url, roomId, lastEpoch, workerId] = process.argv.slice(2);
if (url === undefined || roomId === undefined || lastEpoch === undefined || workerId === undefined) {
  process.stderr.write("usage: race-worker URL ROOM EPOCHS WORKER\n");
  process.exit(2);
}
const db = await openDatabase(url, { poolSize: 4 });
const won: string[] = [];
const appended: string[] = [];
let epoch = 0n;
const end = BigInt(lastEpoch);
const body = (tag: string) => new TextEncoder().encode(`${workerId}:${tag}`);
while (epoch < end) {
  const app = await appendToEpoch(
    db,
    roomId,
    epoch,
    [{ kind: "application", body: body(`app@${epoch}`) }],
    Date.now(),
  );
  if (app.ok) appended.push(epoch.toString());
  const r = await acceptCommit(db, roomId, epoch, body(`commit@${epoch}`), Date.now());
  if (r.ok) {
    won.push(epoch.toString());
    epoch = r.epoch;
  } else if (r.reason === "wrongEpoch") {
    epoch = r.currentEpoch;
  } else {
    throw new Error("room vanished");
  }
}
await db.close();
process.stdout.write(`${JSON.stringify({ won, appended })}\n`);
