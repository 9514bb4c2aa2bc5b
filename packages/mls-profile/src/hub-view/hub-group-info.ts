import type { GroupInfo } from "@mimi/ts-mls";
import { encodeGroupContext, verifyGroupInfoSignature } from "../adapter/internals.js";
import { equalBytes } from "./hub-bytes.js";
import { check, rejectAs } from "./hub-errors.js";
import { decodeHubGroupInfo, type HubGroupView } from "./hub-group-view.js";

/**
 * Check a committer's GroupInfo for the view's current epoch: its GroupContext must be the view's
 * byte for byte, its confirmation_tag the one of the commit that entered the epoch, and its
 * signature must verify under the signer's leaf. The hub serves such GroupInfos to external
 * joiners, so it only keeps one that matches what it computed itself.
 *
 * @throws CodecError when the bytes do not decode (MLS-HUB-01).
 * @throws ValidationError when the GroupInfo does not match or its signature fails (MLS-HUB-16).
 */
export async function verifyHubGroupInfo(
  view: HubGroupView,
  groupInfo: GroupInfo | Uint8Array,
): Promise<GroupInfo> {
  const gi = groupInfo instanceof Uint8Array ? decodeHubGroupInfo(groupInfo) : groupInfo;
  // [MLS-HUB-16] RFC 9420 §12.4.3: a GroupInfo for the epoch carries that epoch's GroupContext and confirmation_tag and is signed by a member (the signer)
  check(
    equalBytes(encodeGroupContext(gi.groupContext), encodeGroupContext(view.groupContext)),
    "the GroupInfo's GroupContext is not the hub's",
    "MLS-HUB-16",
    "/group_context",
  );
  check(
    equalBytes(gi.confirmationTag, view.confirmationTag),
    "the GroupInfo's confirmation_tag is not the epoch's",
    "MLS-HUB-16",
    "/confirmation_tag",
  );
  const signer = view.ratchetTree.get(2 * gi.signer);
  check(
    signer?.nodeType === "leaf",
    `GroupInfo signer ${gi.signer} is not a member`,
    "MLS-HUB-16",
    "/signer",
  );
  const ok = await rejectAs("MLS-HUB-16", "/signature", "GroupInfo signature check failed", () =>
    verifyGroupInfoSignature(gi, signer.leaf.signaturePublicKey, view.cipherSuite.signature),
  );
  check(ok, "the GroupInfo signature does not verify", "MLS-HUB-16", "/signature");
  return gi;
}
