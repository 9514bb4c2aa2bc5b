/**
 * The MIMI web app: sign in with an enrollment code, the rooms of the signed-in client, a room's
 * conversation (draft-ietf-mimi-content-08 conversation model: markdown, replies, reactions,
 * edits, deletes, expiring messages, attachments), its participants with their roles, a
 * composer, and the room actions of the demo (create a room, add a user).
 */
import { roomDomain } from "@mimi/client";
import {
  buildAttachment,
  buildDelete,
  buildEdit,
  buildExpiring,
  buildOriginal,
  buildReaction,
  buildReply,
  type ConversationView,
  type DisplayedMessage,
  type ExternalPart,
  GFM_MIMI,
  singlePart,
} from "@mimi/content";
import { cooperativeRoles } from "@mimi/room-policy";
import { fromHex } from "@mimi/wire";
import { html, render } from "htm/preact";
import type { VNode } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { renderMarkdown } from "./markdown.js";
import { codeFromLocation, resume, type Session, signIn } from "./session.js";

const REACTIONS = ["👍", "🎉", "❤️"] as const;

function short(uri: string): string {
  return uri.replace(/^mimi:\/\//, "");
}

function roleName(index: number): string {
  return cooperativeRoles.roles.find((r) => r.role_index === index)?.role_name ?? `role ${index}`;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The text of a message for quoting (first line, shortened). */
function snippet(m: DisplayedMessage): string {
  if (m.deleted) return "(deleted)";
  const p = m.content.nestedPart;
  const text =
    p.cardinality === 1
      ? new TextDecoder().decode(p.content)
      : p.cardinality === 2
        ? `📎 ${p.filename}`
        : "(no text)";
  const line = text.split("\n")[0] ?? "";
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

/** What a composer is doing: a new message, a reply, or an edit. */
type Mode =
  | { readonly kind: "new" }
  | { readonly kind: "reply"; readonly to: DisplayedMessage }
  | { readonly kind: "edit"; readonly of: DisplayedMessage };

function SignIn(props: { readonly onSession: (s: Session) => void }): VNode {
  const initial = codeFromLocation(location.hash);
  const [code, setCode] = useState(initial ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const go = async (c: string): Promise<void> => {
    setBusy(true);
    setError("");
    try {
      const s = await signIn(location.origin, c);
      // the code is spent: take it out of the address bar
      history.replaceState(null, "", location.pathname);
      props.onSession(s);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };
  useEffect(() => {
    // a client saved by this page before (a reload) comes back; else the link's code signs in
    setBusy(true);
    resume(location.origin).then(
      (saved) => {
        if (saved !== undefined) props.onSession(saved);
        else if (initial !== undefined) void go(initial);
        else setBusy(false);
      },
      (e: unknown) => {
        setError(`the saved client could not be restored: ${errorText(e)}`);
        setBusy(false);
      },
    );
  }, []);
  return html`<main class="signin">
    <h1>MIMI</h1>
    <form
      onSubmit=${(e: Event) => {
        e.preventDefault();
        void go(code.trim());
      }}
    >
      <label for="code">Enrollment code</label>
      <input id="code" value=${code} onInput=${(e: Event) => setCode((e.target as HTMLInputElement).value)} />
      <button type="submit" disabled=${busy || code.trim() === ""}>${busy ? "Signing in…" : "Sign in"}</button>
    </form>
    ${error === "" ? null : html`<p role="alert" class="error">${error}</p>`}
  </main>`;
}

function Message(props: {
  readonly m: DisplayedMessage;
  readonly view: ConversationView;
  readonly own: boolean;
  readonly act: (what: string, fn: () => Promise<void>) => void;
  readonly onReply: () => void;
  readonly onEdit: () => void;
  readonly onDelete: () => void;
  readonly onReact: (r: string) => void;
  readonly onDownload: (part: ExternalPart) => Promise<void>;
}): VNode {
  const { m } = props;
  const p = m.content.nestedPart;
  const replied =
    m.inReplyToMessage === null
      ? undefined
      : props.view.messages.find((x) => x.messageId === m.inReplyToMessage);
  const body = m.deleted
    ? html`<p class="body deleted">This message was deleted.</p>`
    : p.cardinality === 1
      ? html`<p class="body">${renderMarkdown(new TextDecoder().decode(p.content))}</p>`
      : p.cardinality === 2
        ? html`<p class="body attachment">
            📎 <span class="filename">${p.filename}</span> <span class="type">(${p.contentType})</span>
            <button type="button" onClick=${() => props.act("download", () => props.onDownload(p))}>
              Download ${p.filename}
            </button>
          </p>`
        : html`<p class="body">(unsupported content)</p>`;
  const time = new Date(m.acceptedTimestamp).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return html`<li class=${`message${props.own ? " own" : ""}`} data-message-id=${m.messageId}>
    <div class="meta">
      <span class="sender">${short(m.senderUri)}</span>
      <time datetime=${new Date(m.acceptedTimestamp).toISOString()}>${time}</time>
      ${m.edited && !m.deleted ? html`<span class="flag edited">edited</span>` : null}
      ${m.content.expires === null ? null : html`<span class="flag expiring">expiring</span>`}
    </div>
    ${
      m.inReplyTo === null
        ? null
        : html`<p class="reply-to">↪ in reply to ${
            replied === undefined
              ? "a message not shown"
              : html`${short(replied.senderUri)}: “${renderMarkdown(snippet(replied))}”`
          }</p>`
    }
    ${body}
    ${
      m.reactions.length === 0
        ? null
        : html`<ul class="reactions" aria-label="reactions">
            ${m.reactions.map(
              (r) =>
                html`<li title=${r.senders.map(short).join(", ")}>${r.reaction} ${r.senders.length}</li>`,
            )}
          </ul>`
    }
    ${
      m.deleted
        ? null
        : html`<div class="actions">
            <button type="button" onClick=${props.onReply}>Reply</button>
            ${REACTIONS.map(
              (r) =>
                html`<button type="button" aria-label=${`React ${r}`} onClick=${() => props.onReact(r)}>${r}</button>`,
            )}
            ${
              props.own && p.cardinality === 1
                ? html`<button type="button" onClick=${props.onEdit}>Edit</button>`
                : null
            }
            ${props.own ? html`<button type="button" onClick=${props.onDelete}>Delete</button>` : null}
          </div>`
    }
  </li>`;
}

function Room(props: { readonly s: Session; readonly room: string; readonly version: number }): VNode {
  const { s, room } = props;
  const core = s.client.core;
  const [mode, setMode] = useState<Mode>({ kind: "new" });
  const [text, setText] = useState("");
  const [expiry, setExpiry] = useState("0");
  const [addUri, setAddUri] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const file = useRef<HTMLInputElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const view = core.conversation(room);
  const member = core.isMember(room);
  const act = (what: string, fn: () => Promise<void>): void => {
    setBusy(true);
    setStatus("");
    fn().then(
      () => setBusy(false),
      (e: unknown) => {
        setBusy(false);
        setStatus(`${what} failed: ${errorText(e)}`);
      },
    );
  };
  const base = { senderUri: s.userUri, roomUri: room };
  const target = (m: DisplayedMessage) => {
    const first = core.message(room, m.messageId);
    if (first === undefined) throw new Error("the message is not known here");
    return { content: first.content, messageId: fromHex(m.messageId) };
  };
  const send = (): void => {
    const t = text.trim();
    if (t === "") return;
    act("send", async () => {
      const seconds = Number(expiry);
      const content =
        mode.kind === "edit"
          ? buildEdit(target(mode.of), singlePart(GFM_MIMI, t))
          : mode.kind === "reply"
            ? buildReply({ ...base, inReplyTo: fromHex(mode.to.messageId), text: t })
            : seconds > 0
              ? buildExpiring({
                  ...base,
                  text: t,
                  expires: { relative: false, time: Math.floor(Date.now() / 1000) + seconds },
                })
              : buildOriginal({ ...base, text: t });
      await s.client.send(room, content);
      setText("");
      setMode({ kind: "new" });
      setExpiry("0");
    });
  };
  const sendFile = (): void => {
    const f = file.current?.files?.[0];
    if (f === undefined) return;
    act("attachment", async () => {
      const bytes = new Uint8Array(await f.arrayBuffer());
      const part = await s.client.uploadAttachment(bytes, {
        contentType: f.type === "" ? "application/octet-stream" : f.type,
        filename: f.name,
      });
      await s.client.send(room, buildAttachment({ ...base, part }));
      if (file.current !== null) file.current.value = "";
    });
  };
  const download = async (part: ExternalPart): Promise<void> => {
    const bytes = await s.client.downloadAttachment(part, { hub: roomDomain(room) });
    const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: part.contentType }));
    const a = document.createElement("a");
    a.href = url;
    a.download = part.filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const el = list.current;
    if (el !== null) el.scrollTop = el.scrollHeight;
  }, [view.messages.length]);
  const participants = member ? core.participants(room) : [];
  return html`<section class="room" aria-labelledby="room-title">
    <h2 id="room-title">${short(room)}</h2>
    ${member ? null : html`<p class="notice">You are no longer a member of this room.</p>`}
    ${
      member && core.hasPendingProposals(room)
        ? html`<p class="pending">
            Membership changes are waiting for a member to commit them.
            <button type="button" disabled=${busy} onClick=${() => act("commit", async () => void (await s.client.commitPending(room)))}>
              Apply pending changes
            </button>
          </p>`
        : null
    }
    <details class="participants" open>
      <summary>Participants (${participants.length})</summary>
      <ul aria-label="participants">
        ${participants.map(
          (p) =>
            html`<li><span class="user">${short(p.user)}</span> <span class="role">${roleName(p.role)}</span></li>`,
        )}
      </ul>
      ${
        member
          ? html`<form
              class="add-user"
              onSubmit=${(e: Event) => {
                e.preventDefault();
                const uri = addUri.trim();
                act("add user", async () => {
                  await s.client.addUser(room, uri);
                  setAddUri("");
                });
              }}
            >
              <label for="add-user">Add user (mimi:// URI)</label>
              <input
                id="add-user"
                placeholder="mimi://b.example/u/bob"
                value=${addUri}
                onInput=${(e: Event) => setAddUri((e.target as HTMLInputElement).value)}
              />
              <button type="submit" disabled=${busy || addUri.trim() === ""}>Add</button>
            </form>
            <button type="button" class="leave" disabled=${busy} onClick=${() => act("leave", () => s.client.leave(room))}>
              Leave room
            </button>`
          : null
      }
    </details>
    <ol class="messages" aria-label="messages" aria-live="polite" aria-relevant="additions text" ref=${list}>
      ${view.messages.map(
        (m) =>
          html`<${Message}
            key=${m.messageId}
            m=${m}
            view=${view}
            own=${m.senderUri === s.userUri}
            act=${act}
            onReply=${() => {
              setMode({ kind: "reply", to: m });
              input.current?.focus();
            }}
            onEdit=${() => {
              setMode({ kind: "edit", of: m });
              const p = m.content.nestedPart;
              setText(p.cardinality === 1 ? new TextDecoder().decode(p.content) : "");
              input.current?.focus();
            }}
            onDelete=${() => act("delete", async () => void (await s.client.send(room, buildDelete(target(m)))))}
            onReact=${(r: string) =>
              act(
                "reaction",
                async () =>
                  void (await s.client.send(
                    room,
                    buildReaction({ ...base, inReplyTo: fromHex(m.messageId), reaction: r }),
                  )),
              )}
            onDownload=${download}
          />`,
      )}
    </ol>
    ${status === "" ? null : html`<p role="alert" class="error">${status}</p>`}
    ${
      member
        ? html`<form
            class="composer"
            onSubmit=${(e: Event) => {
              e.preventDefault();
              send();
            }}
          >
            ${
              mode.kind === "new"
                ? null
                : html`<p class="mode">
                    ${mode.kind === "reply" ? `Replying to ${short(mode.to.senderUri)}: “${snippet(mode.to)}”` : "Editing your message"}
                    <button type="button" onClick=${() => {
                      setMode({ kind: "new" });
                      setText("");
                    }}>Cancel</button>
                  </p>`
            }
            <label for="composer-text">Message</label>
            <textarea
              id="composer-text"
              ref=${input}
              rows="2"
              value=${text}
              onInput=${(e: Event) => setText((e.target as HTMLTextAreaElement).value)}
              onKeyDown=${(e: KeyboardEvent) => {
                if (e.key === "Enter" && !e.shiftKey) {
                  e.preventDefault();
                  send();
                }
              }}
            ></textarea>
            <div class="row">
              ${
                mode.kind === "new"
                  ? html`<label for="expiry">Expires</label>
                      <select id="expiry" value=${expiry} onChange=${(e: Event) => setExpiry((e.target as HTMLSelectElement).value)}>
                        <option value="0">never</option>
                        <option value="10">in 10 seconds</option>
                        <option value="3600">in an hour</option>
                      </select>`
                  : null
              }
              <button type="submit" disabled=${busy || text.trim() === ""}>${mode.kind === "edit" ? "Save edit" : "Send"}</button>
            </div>
            <div class="row">
              <label for="attach">Attach a file</label>
              <input id="attach" type="file" ref=${file} />
              <button type="button" disabled=${busy} onClick=${sendFile}>Send file</button>
            </div>
          </form>`
        : null
    }
  </section>`;
}

function Rooms(props: {
  readonly s: Session;
  readonly selected: string | undefined;
  readonly onSelect: (room: string) => void;
}): VNode {
  const { s } = props;
  const [name, setName] = useState("");
  const [join, setJoin] = useState("");
  const [error, setError] = useState("");
  const rooms = s.client.core.roomUris();
  return html`<nav class="rooms" aria-label="rooms">
    <h2>Rooms</h2>
    ${rooms.length === 0 ? html`<p class="empty">No rooms yet.</p>` : null}
    <ul>
      ${rooms.map(
        (r) =>
          html`<li>
            <button type="button" aria-current=${r === props.selected ? "true" : "false"} onClick=${() => props.onSelect(r)}>
              ${short(r)}
            </button>
          </li>`,
      )}
    </ul>
    <form
      onSubmit=${(e: Event) => {
        e.preventDefault();
        const room = `mimi://${s.domain}/r/${name.trim()}`;
        setError("");
        s.client.createRoom(room).then(
          () => {
            setName("");
            props.onSelect(room);
          },
          (err: unknown) => setError(errorText(err)),
        );
      }}
    >
      <label for="room-name">New room on ${s.domain}</label>
      <input id="room-name" placeholder="clubhouse" value=${name} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} />
      <button type="submit" disabled=${!/^[a-z0-9][a-z0-9._-]*$/i.test(name.trim())}>Create room</button>
    </form>
    <form
      onSubmit=${(e: Event) => {
        e.preventDefault();
        const room = join.trim();
        setError("");
        s.client.joinExternal(room).then(
          () => {
            setJoin("");
            props.onSelect(room);
          },
          (err: unknown) => setError(errorText(err)),
        );
      }}
    >
      <label for="join-room">Join a room you take part in (this device)</label>
      <input id="join-room" placeholder="mimi://a.example/r/clubhouse" value=${join} onInput=${(e: Event) => setJoin((e.target as HTMLInputElement).value)} />
      <button type="submit" disabled=${!join.trim().startsWith("mimi://")}>Join</button>
    </form>
    ${error === "" ? null : html`<p role="alert" class="error">${error}</p>`}
  </nav>`;
}

function App(): VNode {
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [room, setRoom] = useState<string | undefined>(undefined);
  const [version, setVersion] = useState(0);
  const [problem, setProblem] = useState("");
  useEffect(() => {
    if (session === undefined) return;
    session.client.onEvent((e) => {
      // an inbox item that failed a check was dropped: say so rather than hide it
      if (e.kind === "rejected")
        setProblem(`${e.roomUri === "" ? "inbox" : short(e.roomUri)}: ${e.error.message}`);
      setVersion((v) => v + 1);
    });
    // expiring messages leave the conversation model when their time has come
    const timer = setInterval(() => setVersion((v) => v + 1), 1000);
    return () => clearInterval(timer);
  }, [session]);
  if (session === undefined) return html`<${SignIn} onSession=${setSession} />`;
  return html`<div class="app">
    <header>
      <h1>MIMI</h1>
      <p class="whoami">Signed in as <strong>${short(session.userUri)}</strong></p>
      ${problem === "" ? null : html`<p role="status" class="error">Dropped an item that failed a check — ${problem}</p>`}
    </header>
    <${Rooms} s=${session} selected=${room} onSelect=${setRoom} />
    <main>
      ${room === undefined ? html`<p class="empty">Choose or create a room.</p>` : html`<${Room} s=${session} room=${room} version=${version} />`}
    </main>
  </div>`;
}

const root = document.getElementById("app");
if (root !== null) render(html`<${App} />`, root);
