/**
 * Builders for the features of draft-ietf-mimi-content-08 §5 and the multipart forms of
 * Appendix B. Each returns a {@link MimiContent} ready for `encodeMimiContent`; the salt is fresh
 * from the CSPRNG unless given.
 */
import { utf8, ValidationError } from "@mimi/wire";
import type { CborValue } from "./codec/cbor.js";
import type { Expiration } from "./expiration.js";
import type { ExtensionKey, Extensions } from "./extensions.js";
import type { MimiContent } from "./mimi-content.js";
import type { ExternalPart, MultiPart, NestedPart, NullPart, SinglePart } from "./nested-part.js";
import { dispositions, extensionKeys, type PartSemantics, partSemantics } from "./registries.js";
import { generateSalt } from "./salt.js";

/** `text/markdown;variant=GFM-MIMI` (§7.1.1), the default for text messages. */
export const GFM_MIMI = "text/markdown;variant=GFM-MIMI";
/** `text/plain;charset=utf-8` (§7.1), the default for reactions. */
export const TEXT_PLAIN = "text/plain;charset=utf-8";

/** Fields every builder accepts. */
export interface MessageOptions {
  /** senderUri extension (key 1). */
  readonly senderUri: string;
  /** roomUri extension (key 2). */
  readonly roomUri: string;
  readonly salt?: Uint8Array;
  readonly topicId?: Uint8Array;
  readonly expires?: Expiration | null;
  readonly inReplyTo?: Uint8Array | null;
  /** Further extensions (keys 1 and 2 are set from `senderUri` and `roomUri`). */
  readonly extensions?: Extensions;
}

function message(o: MessageOptions, nestedPart: NestedPart, replaces: Uint8Array | null = null): MimiContent {
  const ext = new Map<ExtensionKey, CborValue>(o.extensions ?? []);
  ext.set(extensionKeys.senderUri, o.senderUri);
  ext.set(extensionKeys.roomUri, o.roomUri);
  return {
    salt: o.salt ?? generateSalt(),
    replaces,
    topicId: o.topicId ?? new Uint8Array(),
    expires: o.expires ?? null,
    inReplyTo: o.inReplyTo ?? null,
    mimiExtensions: ext,
    nestedPart,
  };
}

/** A SinglePart (§4.4); `content` given as text is UTF-8 encoded. */
export function singlePart(
  contentType: string,
  content: string | Uint8Array,
  options: { readonly disposition?: number; readonly language?: string } = {},
): SinglePart {
  return {
    disposition: options.disposition ?? dispositions.render,
    language: options.language ?? "",
    cardinality: 1,
    contentType,
    content: typeof content === "string" ? utf8(content) : content,
  };
}

/** A NullPart (§4.4), used by deletes and unlikes. */
export function nullPart(disposition: number = dispositions.render, language = ""): NullPart {
  return { disposition, language, cardinality: 0 };
}

/**
 * A MultiPart (§4.4, Appendix B).
 *
 * @throws ValidationError with fewer than 2 parts (`CONTENT-PART-05`).
 */
export function multiPart(
  semantics: PartSemantics | keyof typeof partSemantics,
  parts: readonly NestedPart[],
  options: { readonly disposition?: number; readonly language?: string } = {},
): MultiPart {
  if (parts.length < 2)
    throw new ValidationError("MultiPart needs at least 2 parts", {
      path: "/parts",
      rule: "CONTENT-PART-05",
    });
  return {
    disposition: options.disposition ?? dispositions.render,
    language: options.language ?? "",
    cardinality: 3,
    partSemantics: typeof semantics === "number" ? semantics : partSemantics[semantics],
    parts,
  };
}

/** §5.1 Original message: one text part (GFM-MIMI markdown unless another type is given). */
export function buildOriginal(
  o: MessageOptions & { readonly text: string; readonly contentType?: string; readonly language?: string },
): MimiContent {
  return message(
    o,
    singlePart(o.contentType ?? GFM_MIMI, o.text, o.language === undefined ? {} : { language: o.language }),
  );
}

/** §5.2 Reply: an original message with `inReplyTo` set. */
export function buildReply(
  o: MessageOptions & {
    readonly inReplyTo: Uint8Array;
    readonly text: string;
    readonly contentType?: string;
  },
): MimiContent {
  return buildOriginal(o);
}

/**
 * §5.3 Reaction: a single reaction (disposition `reaction`, plain text by default) in reply to
 * `inReplyTo`. Several reactions must not be combined into one text part (use
 * {@link buildReactions}).
 */
export function buildReaction(
  o: MessageOptions & {
    readonly inReplyTo: Uint8Array;
    readonly reaction: string | Uint8Array;
    readonly contentType?: string;
  },
): MimiContent {
  return message(
    o,
    singlePart(o.contentType ?? TEXT_PLAIN, o.reaction, { disposition: dispositions.reaction }),
  );
}

/** Appendix B.2: several reactions as a processAll MultiPart of reaction parts. */
export function buildReactions(
  o: MessageOptions & {
    readonly inReplyTo?: Uint8Array | null;
    readonly reactions: readonly (string | Uint8Array)[];
  },
): MimiContent {
  const parts = o.reactions.map((r) => singlePart(TEXT_PLAIN, r, { disposition: dispositions.reaction }));
  return message(o, multiPart("processAll", parts, { disposition: dispositions.reaction }));
}

/**
 * §5.4 Mention: markdown text with a `mimi:` link to the mentioned user, e.g.
 * `mention("mimi://example.com/u/alice-smith", "@Alice Smith")`.
 */
export function mention(userUri: string, displayHint?: string): string {
  return displayHint === undefined ? `<${userUri}>` : `[${displayHint}](${userUri})`;
}

/** The message being replaced, as the replacing builders need it. */
export interface Target {
  /** The target message as decoded. */
  readonly content: MimiContent;
  /** Its message ID. */
  readonly messageId: Uint8Array;
}

/**
 * Copy everything of `target` except salt and body; `replaces` is always the ID of the first
 * version (§4.1), so the target's own `replaces` wins when set.
 */
function replacing(target: Target, salt: Uint8Array | undefined, nestedPart: NestedPart): MimiContent {
  const c = target.content;
  return {
    salt: salt ?? generateSalt(),
    replaces: c.replaces ?? target.messageId,
    topicId: c.topicId,
    expires: c.expires,
    inReplyTo: c.inReplyTo,
    mimiExtensions: c.mimiExtensions,
    nestedPart,
  };
}

/**
 * §5.5 Edit: a new body for `target`; every other field is kept (§9.3: only the NestedPart may
 * change).
 */
export function buildEdit(target: Target, nestedPart: NestedPart, salt?: Uint8Array): MimiContent {
  return replacing(target, salt, nestedPart);
}

/** §5.6 Delete: `target` replaced by a NullPart with the target's disposition. */
export function buildDelete(target: Target, salt?: Uint8Array): MimiContent {
  return replacing(target, salt, nullPart(target.content.nestedPart.disposition));
}

/** §5.7 Unlike: a reaction replaced by a NullPart with disposition `reaction`. */
export function buildUnlike(reaction: Target, salt?: Uint8Array): MimiContent {
  return replacing(reaction, salt, nullPart(dispositions.reaction));
}

/** §5.8 Expiring message: an original message with `expires` (absolute or relative seconds). */
export function buildExpiring(
  o: MessageOptions & { readonly expires: Expiration; readonly text: string; readonly contentType?: string },
): MimiContent {
  return buildOriginal(o);
}

/** §5.9 Attachment: an ExternalPart (see `encryptAttachment`) with disposition `attachment`. */
export function buildAttachment(o: MessageOptions & { readonly part: ExternalPart }): MimiContent {
  return message(o, o.part);
}

/**
 * An unencrypted ExternalPart pointing at a service or public content (§4.5: encAlg 0, empty key,
 * nonce and aad; no size, expiry or hash unless given).
 */
export function externalLink(o: {
  readonly url: string;
  readonly contentType?: string;
  readonly description?: string;
  readonly filename?: string;
  readonly disposition?: number;
  readonly language?: string;
}): ExternalPart {
  return {
    disposition: o.disposition ?? dispositions.render,
    language: o.language ?? "",
    cardinality: 2,
    contentType: o.contentType ?? "",
    url: o.url,
    expires: 0,
    size: 0,
    encAlg: 0,
    key: new Uint8Array(),
    nonce: new Uint8Array(),
    aad: new Uint8Array(),
    hashAlg: 0,
    contentHash: new Uint8Array(),
    description: o.description ?? "",
    filename: o.filename ?? "",
  };
}

/** §5.10 Conferencing: an unencrypted ExternalPart with disposition `session`. */
export function buildConferencing(
  o: MessageOptions & { readonly url: string; readonly description?: string; readonly contentType?: string },
): MimiContent {
  return message(o, externalLink({ ...o, disposition: dispositions.session }));
}

/** Appendix B.1: the same message in alternative formats (chooseOne, sender's preference first). */
export function buildAlternatives(
  o: MessageOptions & { readonly parts: readonly NestedPart[] },
): MimiContent {
  return message(o, multiPart("chooseOne", o.parts));
}

/** Any body, e.g. the nested forms of Appendix B.3. */
export function buildMessage(o: MessageOptions & { readonly nestedPart: NestedPart }): MimiContent {
  return message(o, o.nestedPart);
}
