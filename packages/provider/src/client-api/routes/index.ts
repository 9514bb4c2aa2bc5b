/**
 * The client API's route table: one handler per route of `@mimi/protocol`'s `clientApiRoutes`
 * (the type makes a missing one an error), and the forwarding handler for the directory endpoints
 * clients reach.
 */
import { type ClientApiRouteName, clientApiRoutes, isDirectoryName } from "@mimi/protocol";
import type { ClientRouteHandler } from "../route.js";
import { blobs } from "./blobs.js";
import { download } from "./download.js";
import { enroll } from "./enroll.js";
import { forwarded } from "./forwarded.js";
import { hubSender } from "./hub-sender.js";
import { inbox } from "./inbox.js";
import { joinCodes } from "./join-codes.js";
import { keyPackages } from "./key-packages.js";
import { ohttpKeys, ohttpRelay } from "./ohttp.js";
import { rooms } from "./rooms.js";

const own: { readonly [N in ClientApiRouteName]: ClientRouteHandler } = {
  keyPackages,
  rooms,
  blobs,
  inbox,
  download,
  hubSender,
  joinCodes,
  ohttpKeys,
  ohttpRelay,
  enroll,
};

/** The handler of a route `clientApiRoute` knows. */
export function routeHandler(name: string): ClientRouteHandler | undefined {
  if (Object.hasOwn(clientApiRoutes, name)) return own[name as ClientApiRouteName];
  return isDirectoryName(name) ? forwarded(name) : undefined;
}
