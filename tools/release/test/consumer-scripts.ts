/**
 * Plain JavaScript programs a consumer writes against the installed packages (no TypeScript, no
 * workspace): each prints one JSON line the test checks.
 */

/**
 * An MLS room of the MIMI profile: alice creates it, adds bob with his participant-list entry in
 * the same commit (an AppDataUpdate, which needs the patched ts-mls's proposal handler and its
 * external_senders list), bob joins from the Welcome, and an encrypted message reaches him.
 */
export const mlsRoomScript = `
import {
  addUser, createKeyPackage, createRoom, encodeMlsMessage, decodeRatchetTree, generateSignatureKeyPair,
  joinRoom, loadCiphersuite, mimiCapabilities, mimiProfile, participantListOf, processIncoming, sendContent,
  unsafeAcceptAllCredentials,
} from "@mimi/mls-profile";

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const cs = await loadCiphersuite();
const hubKey = await generateSignatureKeyPair(cs);
const hub = { signaturePublicKey: hubKey.publicKey, credential: { credentialType: "basic", identity: enc("hub.example.com") } };
const userOf = (c) => { const s = dec(c.identity); return enc(s.slice(0, s.indexOf("/d/"))); };
const profile = mimiProfile({ cs, authService: unsafeAcceptAllCredentials, hub, userOf, saltOf: (c) => c.subarray(0, 16) });
const client = (name) => createKeyPackage(cs, {
  credential: { credentialType: "basic", identity: enc("mimi://example.com/u/" + name + "/d/1") },
  capabilities: mimiCapabilities(),
});

const room = await createRoom(profile, { roomUri: "mimi://example.com/r/consumers", keyPackage: await client("alice"), creatorRole: 4 });
const bobKp = await client("bob");
const added = await addUser(profile, room, { user: enc("mimi://example.com/u/bob"), role: 2, keyPackages: [bobKp.publicPackage] });
let bob = await joinRoom(profile, encodeMlsMessage(added.welcome), bobKp, decodeRatchetTree(added.ratchetTree));
const salt = new Uint8Array(16).fill(7);
const body = new Uint8Array([...salt, ...enc("hello from an installed package")]);
const sent = await sendContent(profile, added.state, body, salt);
const got = await processIncoming(profile, bob, encodeMlsMessage(sent.message));
if (got.kind !== "application") throw new Error("expected an application message, got " + got.kind);
const participants = participantListOf(profile, got.state).participants.map((p) => dec(p.user) + ":" + p.role_index);
console.log(JSON.stringify({
  epoch: Number(got.state.groupContext.epoch),
  participants,
  wireformat: sent.message.wireformat,
  text: dec(got.content.subarray(16)),
}));
`;

/** A protocol-06 body decoded by the installed @mimi/protocol, and a malformed one refused. */
export const protocolScript = `
import { decodeSubmitMessageResponse } from "@mimi/protocol";
const bytes = Uint8Array.from(Buffer.from(process.argv[2], "hex"));
const body = decodeSubmitMessageResponse(bytes);
let refused = "";
try { decodeSubmitMessageResponse(bytes.subarray(0, bytes.length - 1)); } catch (e) { refused = e.name; }
console.log(JSON.stringify({ ...body, accepted_timestamp: String(body.accepted_timestamp), refused }));
`;

/** Importing the profile: it must fail when ts-mls is not the patched build. */
export const importProfileScript = `
await import("@mimi/mls-profile");
console.log("imported");
`;
