/**
 * The error tree shared by every MIMI package.
 *
 * Every error carries `what` (a short statement of what is wrong) and `path` (where: a JSON-pointer
 * style location inside the input, such as `/nestedPart/parts/1/contentType`, or a position in a
 * string). Callers branch on the class or on `name`, never on the message. `rule` names the
 * requirement ID or grammar rule that failed, when there is one. `code` is reserved for codes the
 * specifications define on the wire (style rule 12).
 *
 * The command line prints every error as `error: <name>: <what> at <path>`.
 */

/** Options common to all MIMI errors. */
export interface MimiErrorOptions {
  /** Where the problem is: a JSON pointer into the input, or `/` for the whole input. */
  readonly path?: string;
  /** The requirement ID (e.g. `CONTENT-CBOR-03`) or grammar rule that failed. */
  readonly rule?: string;
  /** A wire-level code defined by a specification (e.g. `wrongEpoch`). */
  readonly code?: string;
  /** The underlying error, when this one wraps another. */
  readonly cause?: unknown;
}

/** Base class of every error thrown by a MIMI package. */
export class MimiError extends Error {
  override name: string = "MimiError";
  /** What is wrong, without the location. */
  readonly what: string;
  /** Where it is wrong. */
  readonly path: string;
  /** The requirement ID or grammar rule that failed, if any. */
  readonly rule: string | undefined;
  /** Wire-level code defined by a specification, if any. */
  readonly code: string | undefined;

  constructor(what: string, options: MimiErrorOptions = {}) {
    const path = options.path ?? "/";
    super(`${what} at ${path}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.what = what;
    this.path = path;
    this.rule = options.rule;
    this.code = options.code;
  }

  /** The one-line form printed by the command line: `<name>: <what> at <path>`. */
  describe(): string {
    return `${this.name}: ${this.what}${this.rule === undefined ? "" : ` [${this.rule}]`} at ${this.path}`;
  }
}

/** Bytes that do not decode: truncated, trailing, non-minimal, wrong shape, out of range. */
export class CodecError extends MimiError {
  override name: string = "CodecError";
}

/** Well-formed input that breaks a rule of a specification or of our profile. */
export class ValidationError extends MimiError {
  override name: string = "ValidationError";
}

/** A protocol exchange that cannot proceed (the peer said no, or the state forbids it). */
export class ProtocolError extends MimiError {
  override name: string = "ProtocolError";
}

/** A bug in this implementation: an invariant that should hold did not. */
export class InternalError extends MimiError {
  override name: string = "InternalError";
}

/** True when `e` is any MIMI error. */
export function isMimiError(e: unknown): e is MimiError {
  return e instanceof MimiError;
}

/** Join a parent JSON-pointer path and a child key or index. */
export function childPath(parent: string, key: string | number): string {
  const escaped = String(key).replaceAll("~", "~0").replaceAll("/", "~1");
  return parent === "/" ? `/${escaped}` : `${parent}/${escaped}`;
}
