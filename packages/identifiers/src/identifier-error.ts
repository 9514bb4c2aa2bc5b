/**
 * The error every parser of this package throws.
 */
import { ValidationError } from "@mimi/wire";

/**
 * An identifier that breaks a rule of our grammar (`docs/identifiers.md`).
 *
 * - `rule`: the requirement ID that failed (e.g. `ID-HOST-01`), or for a kind mismatch the ABNF
 *   rule that was expected (e.g. `user-uri`);
 * - `path`: where, as `@N` (the zero-based UTF-16 index into the text that was parsed), or a JSON
 *   pointer (`/domain`, `/segments/1`) for {@link formatMimiUri}'s structured input.
 */
export class IdentifierError extends ValidationError {
  override name: string = "IdentifierError";
}

/** Throw an {@link IdentifierError} at character position `at`. */
export function failAt(what: string, rule: string, at: number): never {
  throw new IdentifierError(what, { rule, path: `@${at}` });
}
