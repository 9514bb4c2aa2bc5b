/**
 * Asset policy (draft-ietf-mimi-room-policy-03 §6.4).
 */

import type { MediaType } from "@mimi/mls-profile";
import { type Codec, decodeWith, encodeWith, enumCodes, struct, uint64, vector } from "@mimi/wire";
import { type DomainName, domainNameSchema, optionalField } from "./common.js";
import { mediaTypeSchema } from "./media-type.js";

/**
 * ```tls
 * enum {
 *   unspecified(0),
 *   localProvider(1),
 *   hub(2),
 *   (255)
 * } AssetUploadLocation;
 * ```
 */
export const assetUploadLocations = { unspecified: 0, localProvider: 1, hub: 2 } as const;

/**
 * ```tls
 * enum {
 *   direct(0),
 *   hubProxy(1),
 *   ohttp(2),
 *   (255)
 * } DownloadPrivacyType;
 * ```
 */
export const downloadPrivacyTypes = { direct: 0, hubProxy: 1, ohttp: 2 } as const;

/**
 * ```tls
 * struct {
 *   DomainName provider;
 *   DomainName asset_upload_destinations<V>;
 * } ProviderAssetUploadDomains;
 * ```
 */
export interface ProviderAssetUploadDomains {
  readonly provider: DomainName;
  readonly asset_upload_destinations: readonly DomainName[];
}

/**
 * ```tls
 * struct {
 *   DownloadPrivacyType allowed_download_types<V>;
 *   DownloadPrivacyType forbidden_download_types<V>;
 *   DownloadPrivacyType default_download_type;
 * } DownloadPrivacy;
 * ```
 */
export interface DownloadPrivacy {
  readonly allowed_download_types: readonly number[];
  readonly forbidden_download_types: readonly number[];
  readonly default_download_type: number;
}

/**
 * ```tls
 * struct {
 *   AssetUploadLocation asset_upload_location;
 *   ProviderAssetUploadDomains upload_domains<V>;
 *   DownloadPrivacy download_privacy;
 *   uint64 max_image;
 *   uint64 max_audio;
 *   uint64 max_video;
 *   uint64 max_attachment;
 *   MediaType forbidden_media_types<V>;
 *   optional<MediaType> permitted_media_types<V>;
 * } AssetPolicy;
 * ```
 *
 * `optional<MediaType> permitted_media_types<V>` is read as an optional vector,
 * `optional<MediaType<V>>`: a presence octet, then the vector (decision 0301, DI-POLICY-03).
 * Unknown `AssetUploadLocation`/`DownloadPrivacyType` values are kept (both enums are open to 255).
 */
export interface AssetPolicy {
  readonly asset_upload_location: number;
  readonly upload_domains: readonly ProviderAssetUploadDomains[];
  readonly download_privacy: DownloadPrivacy;
  readonly max_image: bigint;
  readonly max_audio: bigint;
  readonly max_video: bigint;
  readonly max_attachment: bigint;
  readonly forbidden_media_types: readonly MediaType[];
  readonly permitted_media_types?: readonly MediaType[];
}

const downloadPrivacyTypeSchema = enumCodes("DownloadPrivacyType", downloadPrivacyTypes);

/** TLS shape of {@link ProviderAssetUploadDomains}. */
export const providerAssetUploadDomainsSchema: Codec<ProviderAssetUploadDomains> = struct(
  "ProviderAssetUploadDomains",
  [
    ["provider", domainNameSchema],
    ["asset_upload_destinations", vector(domainNameSchema)],
  ],
);

/** TLS shape of {@link DownloadPrivacy}. */
export const downloadPrivacySchema: Codec<DownloadPrivacy> = struct("DownloadPrivacy", [
  ["allowed_download_types", vector(downloadPrivacyTypeSchema)],
  ["forbidden_download_types", vector(downloadPrivacyTypeSchema)],
  ["default_download_type", downloadPrivacyTypeSchema],
]);

/** TLS shape of {@link AssetPolicy}. */
export const assetPolicySchema: Codec<AssetPolicy> = struct("AssetPolicy", [
  ["asset_upload_location", enumCodes("AssetUploadLocation", assetUploadLocations)],
  ["upload_domains", vector(providerAssetUploadDomainsSchema)],
  ["download_privacy", downloadPrivacySchema],
  ["max_image", uint64],
  ["max_audio", uint64],
  ["max_video", uint64],
  ["max_attachment", uint64],
  ["forbidden_media_types", vector(mediaTypeSchema)],
  ["permitted_media_types", optionalField(vector(mediaTypeSchema))],
]);

/** Encode an {@link AssetPolicy}. @throws CodecError when a field is out of range. */
export function encodeAssetPolicy(value: AssetPolicy): Uint8Array {
  return encodeWith(assetPolicySchema, value);
}

/** Decode an {@link AssetPolicy}. @throws CodecError on malformed bytes, naming the field. */
export function decodeAssetPolicy(bytes: Uint8Array): AssetPolicy {
  return decodeWith(assetPolicySchema, bytes);
}
