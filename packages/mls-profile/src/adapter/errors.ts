/**
 * Turning what ts-mls throws into the project's typed errors.
 *
 * ts-mls throws its own `MlsError` subclasses (`CodecError`, `ValidationError`,
 * `CryptoVerificationError`, `UsageError`, …), and on malformed input sometimes a plain `TypeError`
 * or `RangeError`. Nothing of that kind leaves the adapter: every call that handles peer input goes
 * through {@link asMimiError}.
 */
import {
  CodecError,
  InternalError,
  isMimiError,
  type MimiError,
  ProtocolError,
  ValidationError,
} from "@mimi/wire";
import { mlsErrors as mls } from "./internals.js";

function kindOf(e: unknown): "codec" | "validation" | "protocol" | "internal" {
  if (e instanceof mls.CodecError) return "codec";
  if (e instanceof mls.UsageError) return "protocol";
  if (e instanceof mls.DependencyError || e instanceof mls.InternalError) return "internal";
  return "validation";
}

/**
 * The project's typed error for anything thrown while ts-mls handled input: our own errors (for
 * example from a proposal handler) pass unchanged; ts-mls's errors map by kind; anything else (a
 * `TypeError` from a malformed structure) becomes a `ValidationError` naming the operation.
 */
export function asMimiError(e: unknown, operation: string, path = "/"): MimiError {
  if (isMimiError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  const what = `${operation}: ${message}`;
  switch (kindOf(e)) {
    case "codec":
      return new CodecError(what, { path, cause: e });
    case "protocol":
      return new ProtocolError(what, { path, cause: e });
    case "internal":
      return new InternalError(what, { path, cause: e });
    default:
      return new ValidationError(what, { path, cause: e });
  }
}

/** Run `fn`, rethrowing anything it throws as {@link asMimiError}. */
export async function guarded<T>(operation: string, fn: () => Promise<T> | T, path = "/"): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw asMimiError(e, operation, path);
  }
}
