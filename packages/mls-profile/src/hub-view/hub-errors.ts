import { CodecError, MimiError, ValidationError } from "@mimi/wire";

/**
 * Run `fn`; any error that is not already a MIMI error (a ts-mls `MlsError`, or a `TypeError` from
 * a ts-mls routine fed crafted input) becomes a `ValidationError` with `rule` and `path`, and
 * the original as `cause`. The hub view never lets an untyped error escape.
 */
export async function rejectAs<T>(
  rule: string,
  path: string,
  what: string,
  fn: () => Promise<T> | T,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof MimiError) throw e;
    throw new ValidationError(`${what}: ${e instanceof Error ? e.message : String(e)}`, {
      rule,
      path,
      cause: e,
    });
  }
}

/** Like {@link rejectAs}, for decoding: foreign errors become a `CodecError`. */
export function decodeAs<T>(rule: string, path: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof MimiError) throw e;
    throw new CodecError(`${what}: ${e instanceof Error ? e.message : String(e)}`, { rule, path, cause: e });
  }
}

/** Throw a `ValidationError` with `rule` when `ok` is false. */
export function check(ok: boolean, what: string, rule: string, path: string, code?: string): asserts ok {
  if (!ok) throw new ValidationError(what, code === undefined ? { rule, path } : { rule, path, code });
}

/** Throw a `CodecError` with `rule` when `ok` is false (bytes that do not decode). */
export function checkCodec(ok: boolean, what: string, rule: string, path: string): asserts ok {
  if (!ok) throw new CodecError(what, { rule, path });
}
