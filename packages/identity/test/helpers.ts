/** Helpers shared by the identity tests. */
import { CertificateValidationError } from "../src/errors.js";

/** The `reason` a validation fails with, or "valid"; other errors propagate. */
export async function reasonOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CertificateValidationError) return e.reason;
    throw e;
  }
  return "valid";
}

/** A time a little after certificates issued now (openssl starts their validity at issuance). */
export function later(): Date {
  return new Date(Date.now() + 10 * 60_000);
}
