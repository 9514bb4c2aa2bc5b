import type { MediaType } from "@mimi/mls-profile";
import { ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  type AssetPolicy,
  assertNoProblems,
  checkBaseRoomPolicy,
  checkHistoryPolicy,
  checkLinkPreviewPolicy,
  checkLoggingPolicy,
  checkRoleData,
  cooperativeRoles,
  isMediaTypePermitted,
  optionality,
  type RoleData,
  roleCapabilities,
  roleExamples,
} from "../src/index.js";
import { base } from "./helpers.js";

const rules = (problems: readonly { rule: string }[]): string[] => problems.map((p) => p.rule);

describe("roles_list", () => {
  it("the four Appendix A role sets are valid", () => {
    for (const roles of Object.values(roleExamples)) expect(checkRoleData(roles)).toEqual([]);
  });

  it("POLICY-ROLES-01 a role index is defined once", () => {
    const twice: RoleData = { roles: [...cooperativeRoles.roles, cooperativeRoles.roles[2]!] };
    expect(rules(checkRoleData(twice))).toEqual(["POLICY-ROLES-01"]);
  });

  it("POLICY-ROLES-02 canOpenJoin only on role 0; POLICY-ROLES-03 with an entry from 0", () => {
    const open = (index: number, entries: boolean): RoleData => ({
      roles: [
        {
          role_index: index,
          role_name: "r",
          role_description: "",
          role_capabilities: [roleCapabilities.canOpenJoin],
          minimum_participants_constraint: 0,
          minimum_active_participants_constraint: 0,
          authorized_role_changes: entries ? [{ from_role_index: 0, target_role_indexes: [2] }] : [],
        },
      ],
    });
    expect(rules(checkRoleData(open(2, true)))).toEqual(["POLICY-ROLES-02"]);
    expect(rules(checkRoleData(open(0, false)))).toEqual(["POLICY-ROLES-03"]);
    expect(checkRoleData(open(0, true))).toEqual([]);
  });
});

describe("base_room_policy", () => {
  it("POLICY-BASE-06 parent_room holds exactly one URI when parent-dependent, none otherwise", () => {
    const uri = { uri: "mimi://example.com/r/p" };
    expect(rules(checkBaseRoomPolicy(base({ parent_dependant: true }), cooperativeRoles))).toEqual([
      "POLICY-BASE-06",
    ]);
    expect(rules(checkBaseRoomPolicy(base({ parent_room: [uri] }), cooperativeRoles))).toEqual([
      "POLICY-BASE-06",
    ]);
    expect(
      rules(checkBaseRoomPolicy(base({ parent_dependant: true, parent_room: [uri, uri] }), cooperativeRoles)),
    ).toEqual(["POLICY-BASE-06"]);
    expect(
      checkBaseRoomPolicy(base({ parent_dependant: true, parent_room: [uri] }), cooperativeRoles),
    ).toEqual([]);
  });

  it("POLICY-BASE-07 a fixed-membership room has no non-banned role with canAddParticipant", () => {
    const problems = checkBaseRoomPolicy(base({ fixed_membership: true }), cooperativeRoles);
    expect(rules(problems)).toEqual(["POLICY-BASE-07", "POLICY-BASE-07", "POLICY-BASE-07"]);
    expect(problems[0]!.path).toBe("/roles/2/role_capabilities");
    expect(checkBaseRoomPolicy(base({ fixed_membership: true }), roleExamples["multi-org"]).length).toBe(4);
    expect(checkBaseRoomPolicy(base({ fixed_membership: true }), roleExamples.strict).length).toBe(2);
  });

  it("assertNoProblems throws the first problem as a ValidationError with rule and path", () => {
    expect(() =>
      assertNoProblems(checkBaseRoomPolicy(base({ parent_dependant: true }), cooperativeRoles), "/base"),
    ).toThrow(
      expect.objectContaining({ name: "ValidationError", rule: "POLICY-BASE-06", path: "/base/parent_room" }),
    );
    expect(() => assertNoProblems([])).not.toThrow(ValidationError);
  });
});

describe("other policy components", () => {
  const link = {
    autodetect_hyperlinks_in_text: optionality.optional,
    send_link_previews: optionality.optional,
    automatic_link_previews: optionality.forbidden,
    link_preview_proxy_use: optionality.required,
    link_preview_proxy: [{ uri: "https://proxy.example" }],
  };

  it("POLICY-LINK-01 autodetect_hyperlinks_in_text is never required", () => {
    expect(checkLinkPreviewPolicy(link)).toEqual([]);
    expect(
      rules(checkLinkPreviewPolicy({ ...link, autodetect_hyperlinks_in_text: optionality.required })),
    ).toEqual(["POLICY-LINK-01"]);
  });

  it("POLICY-LINK-02 a proxy URI is present when proxy use is required or optional", () => {
    expect(rules(checkLinkPreviewPolicy({ ...link, link_preview_proxy: [] }))).toEqual(["POLICY-LINK-02"]);
    expect(
      rules(
        checkLinkPreviewPolicy({
          ...link,
          link_preview_proxy_use: optionality.optional,
          link_preview_proxy: [],
        }),
      ),
    ).toEqual(["POLICY-LINK-02"]);
    const { link_preview_proxy: _, ...forbidden } = {
      ...link,
      link_preview_proxy_use: optionality.forbidden,
    };
    expect(checkLinkPreviewPolicy(forbidden)).toEqual([]);
  });

  it("POLICY-LOG-01 required logging lists at least one logging client", () => {
    const uri = { uri: "https://log.example/policy" };
    const required = {
      logging: optionality.required,
      logging_clients: [],
      machine_readable_policy: uri,
      human_readable_policy: uri,
    };
    expect(rules(checkLoggingPolicy(required))).toEqual(["POLICY-LOG-01"]);
    expect(checkLoggingPolicy({ ...required, logging_clients: [uri] })).toEqual([]);
    expect(checkLoggingPolicy({ ...required, logging: optionality.optional })).toEqual([]);
  });

  it("POLICY-HIST-01 roles 0, 1 and roles with no active participants cannot share history", () => {
    const h = (roles: number[]) => ({
      history_sharing: optionality.optional,
      roles_that_can_share: roles,
      automatically_share: false,
      max_time_period: 3600,
    });
    expect(checkHistoryPolicy(h([2, 3, 4]), cooperativeRoles)).toEqual([]);
    expect(rules(checkHistoryPolicy(h([0, 1, 5]), cooperativeRoles))).toEqual([
      "POLICY-HIST-01",
      "POLICY-HIST-01",
      "POLICY-HIST-01",
    ]);
  });

  it("POLICY-ASSET-01 media types: never forbidden ones, and only permitted ones when the list is present", () => {
    const mt = (type: string, ...params: [string, string][]): MediaType => ({
      type,
      parameters: params.map(([parameter_name, parameter_value]) => ({ parameter_name, parameter_value })),
    });
    const policy: AssetPolicy = {
      asset_upload_location: 1,
      upload_domains: [],
      download_privacy: {
        allowed_download_types: [0],
        forbidden_download_types: [],
        default_download_type: 0,
      },
      max_image: 1n,
      max_audio: 1n,
      max_video: 1n,
      max_attachment: 1n,
      forbidden_media_types: [mt("application/x-msdownload")],
      permitted_media_types: [mt("text/markdown"), mt("image/png"), mt("text/plain", ["charset", "utf-8"])],
    };
    expect(isMediaTypePermitted(policy, mt("text/markdown", ["variant", "GFM-MIMI"]))).toBe(true);
    expect(isMediaTypePermitted(policy, mt("IMAGE/PNG"))).toBe(true);
    expect(isMediaTypePermitted(policy, mt("text/plain", ["charset", "utf-8"]))).toBe(true);
    expect(isMediaTypePermitted(policy, mt("text/plain"))).toBe(false);
    expect(isMediaTypePermitted(policy, mt("image/gif"))).toBe(false);
    const { permitted_media_types: _, ...open } = policy;
    expect(isMediaTypePermitted(open, mt("image/gif"))).toBe(true);
    expect(isMediaTypePermitted(open, mt("application/x-msdownload", ["x", "y"]))).toBe(false);
  });
});
