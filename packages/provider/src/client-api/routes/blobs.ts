/** `POST /client/v1/blobs`: store an encrypted attachment; answers its download URL. */
import { HttpRejection } from "../../server/http-error.js";
import { storeBlob } from "../../storage/blobs.js";
import { type ClientRouteHandler, jsonAnswer } from "../route.js";

export const blobs: ClientRouteHandler = async ({ body, ctx }) => {
  if (body.length === 0) throw new HttpRejection(400, "empty blob", { path: "/body" });
  const url = await storeBlob(ctx.db, body, ctx.domain, ctx.now());
  return jsonAnswer(201, { url });
};
