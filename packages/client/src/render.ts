/**
 * A conversation (draft-ietf-mimi-content-08 conversation model) as lines a person can read:
 * sender, body (or "(deleted)", or the attachment's name and type), and flags for replies, edits,
 * expiring messages and reactions.
 */
import type { ConversationView } from "@mimi/content";

export function renderConversation(view: ConversationView): string[] {
  return view.messages.map((m) => {
    const p = m.content.nestedPart;
    const body =
      m.deleted || p.cardinality === 0
        ? "(deleted)"
        : p.cardinality === 1
          ? new TextDecoder().decode(p.content)
          : p.cardinality === 2
            ? `[attachment ${p.filename}, ${p.contentType}]`
            : "[multipart]";
    const reactions = m.reactions.map((r) => `${r.reaction} ${r.senders.length}`).join(", ");
    const who = m.senderUri.replace(/^mimi:\/\//, "");
    const flags = [
      m.inReplyTo === null ? "" : " (reply)",
      m.edited ? " (edited)" : "",
      m.content.expires === null ? "" : " (expiring)",
      reactions === "" ? "" : ` [${reactions}]`,
    ].join("");
    return `${who}: ${body}${flags}`;
  });
}
