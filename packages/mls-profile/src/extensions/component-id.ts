/**
 * Component IDs (draft-ietf-mls-extensions-10 §4.1, §5.1, §7).
 *
 * ```tls
 * uint16 ComponentID;
 * ```
 */
import { type Codec, named, uint16 } from "@mimi/wire";

/** draft-ietf-mls-extensions-10 §4.1: `uint16 ComponentID;` */
export type ComponentID = number;

/** The `ComponentID` codec (a uint16). */
export const componentIdCodec: Codec<ComponentID> = named("ComponentID", uint16);

/**
 * True for the GREASE component IDs of draft-ietf-mls-extensions-10 §5.1
 * (0x0A0A, 0x1A1A, …, 0x7A7A).
 */
export function isGreaseComponentId(id: ComponentID): boolean {
  return (id & 0x0f0f) === 0x0a0a && id >> 8 === (id & 0xff) && id <= 0x7a7a;
}

/** True for the private-use range 0x8000–0xFFFF (draft-ietf-mls-extensions-10 §7). */
export function isPrivateUseComponentId(id: ComponentID): boolean {
  return id >= 0x8000 && id <= 0xffff;
}
