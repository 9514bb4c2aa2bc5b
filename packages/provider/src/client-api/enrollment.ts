/**
 * Enrollment codes (decision 0811): one-time, expiring codes an operator hands to a user, with
 * which a client that has no certificate yet (a web page) gets one at `POST /client/v1/enroll`.
 * Stored hashed in the provider's database, so a code used once stays used across restarts and
 * processes.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseMimiUri } from "@mimi/identifiers";
import { ValidationError } from "@mimi/wire";
import type { Database, SqlExecutor } from "../storage/database.js";

/** One enrollment code: who it enrolls and until when (ms since the UNIX epoch). */
export interface EnrollmentCode {
  /** The code's text (8–256 printable ASCII characters). */
  readonly code: string;
  /** The user URI `mimi://<our domain>/u/<name>` the enrolled client belongs to. */
  readonly user: string;
  /** Until when it may be used (ms since the UNIX epoch). */
  readonly expiresAt: number;
}

const hashOf = (code: string): Uint8Array =>
  new Uint8Array(createHash("sha256").update(code, "utf8").digest());

const CODE = /^[\x21-\x7e]{8,256}$/;

/**
 * Check a code's fields: a code of 8–256 printable ASCII characters, a user URI of `domain`.
 *
 * @throws ValidationError naming the field at `path`.
 */
function checkCode(c: EnrollmentCode, domain: string, path: string): void {
  if (!CODE.test(c.code))
    throw new ValidationError("an enrollment code is 8 to 256 printable ASCII characters", {
      path: `${path}/code`,
    });
  let user: ReturnType<typeof parseMimiUri>;
  try {
    user = parseMimiUri(c.user);
  } catch (e) {
    throw new ValidationError(`${JSON.stringify(c.user)} is not a MIMI URI`, {
      path: `${path}/user`,
      cause: e,
    });
  }
  if (user.kind !== "u" || user.domain !== domain || user.uri !== c.user)
    throw new ValidationError(`${c.user} is not a canonical user URI of ${domain}`, { path: `${path}/user` });
  if (!Number.isFinite(c.expiresAt))
    throw new ValidationError("expiresAt must be a time", { path: `${path}/expiresAt` });
}

/**
 * Store enrollment codes; a code stored before (the same text) is kept as it is, used or not.
 *
 * @throws ValidationError for a malformed code or a user of another domain.
 */
export async function addEnrollmentCodes(
  db: SqlExecutor,
  domain: string,
  codes: readonly EnrollmentCode[],
  now: number,
): Promise<void> {
  codes.forEach((c, i) => {
    checkCode(c, domain, `/enrollmentCodes/${i}`);
  });
  for (const c of codes)
    await db.query(
      `INSERT INTO client_enrollment_codes (code_hash, user_uri, created_at, expires_at)
       VALUES ($1, $2, $3, $4) ON CONFLICT (code_hash) DO NOTHING`,
      [hashOf(c.code), c.user, now, c.expiresAt],
    );
}

/** A fresh random code (128 bits, base64url). */
export function newEnrollmentCode(): string {
  return randomBytes(16).toString("base64url");
}

/** Why a code cannot enroll, or the user it enrolls. */
export type CodeLookup =
  | { readonly ok: true; readonly user: string }
  | { readonly ok: false; readonly reason: string };

/** What `code` would enroll now, without using it. */
export async function lookUpEnrollmentCode(db: SqlExecutor, code: string, now: number): Promise<CodeLookup> {
  const rows = await db.query<{ user_uri: string; expires_at: unknown; used_at: unknown }>(
    "SELECT user_uri, expires_at, used_at FROM client_enrollment_codes WHERE code_hash = $1",
    [hashOf(code)],
  );
  const row = rows[0];
  if (row === undefined) return { ok: false, reason: "unknown enrollment code" };
  if (row.used_at !== null) return { ok: false, reason: "the enrollment code was used" };
  if (Number(row.expires_at) <= now) return { ok: false, reason: "the enrollment code expired" };
  return { ok: true, user: row.user_uri };
}

/** Use `code` for `client`: true when it was unused and unexpired (and now is used). */
export async function useEnrollmentCode(
  db: Database,
  code: string,
  client: string,
  now: number,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE client_enrollment_codes SET used_at = $2, used_by = $3
     WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_uri`,
    [hashOf(code), now, client],
  );
  return rows.length === 1;
}

/**
 * Read an enrollment code file: JSON `[{ "code", "user", "expiresAt": "<ISO 8601>" }]`.
 *
 * @throws ValidationError naming the file's problem.
 */
export function readEnrollmentCodeFile(file: string): EnrollmentCode[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ValidationError(`cannot read enrollment codes from ${file}: ${(e as Error).message}`, {
      path: "/clientApi/enrollmentCodes",
      cause: e,
    });
  }
  if (!Array.isArray(json))
    throw new ValidationError("the enrollment code file must hold a JSON list", {
      path: "/clientApi/enrollmentCodes",
    });
  return json.map((v: unknown, i) => {
    const path = `/clientApi/enrollmentCodes/${i}`;
    if (v === null || typeof v !== "object" || Array.isArray(v))
      throw new ValidationError("expected an object", { path });
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (!["code", "user", "expiresAt"].includes(k))
        throw new ValidationError(`unknown field ${k}`, { path });
    const { code, user, expiresAt } = o;
    if (typeof code !== "string" || typeof user !== "string" || typeof expiresAt !== "string")
      throw new ValidationError("code, user and expiresAt must be strings", { path });
    const at = Date.parse(expiresAt);
    if (!/^\d{4}-\d\d-\d\dT/.test(expiresAt) || Number.isNaN(at))
      throw new ValidationError("expiresAt must be an ISO 8601 time", { path: `${path}/expiresAt` });
    return { code, user, expiresAt: at };
  });
}
