/** `POST /client/v1/keyPackages`: upload the client's KeyPackages (body: KeyPackageUpload). */
import { keyPackageUploadCodec } from "@mimi/protocol";
import { decodeWith } from "@mimi/wire";
import { storeKeyPackages } from "../../storage/key-packages.js";
import type { ClientRouteHandler } from "../route.js";

export const keyPackages: ClientRouteHandler = async ({ client, body, ctx }) => {
  const upload = decodeWith(keyPackageUploadCodec, body);
  // [PROTO-CAPI-06] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0640): uploaded KeyPackages name the authenticated client
  // (storeKeyPackages enforces PROTO-KP-01/PROTO-KP-02).
  await storeKeyPackages(
    ctx.db,
    client,
    upload.key_packages.map((m) => m.bytes),
    ctx.now(),
  );
  return { status: 201 };
};
